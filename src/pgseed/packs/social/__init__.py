"""The social pack (spec 004): profiles, then day-by-day activity whose rates emerge, then the jobs that derive scores."""
