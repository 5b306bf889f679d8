"""The social pack (spec 004): profiles, then day-by-day activity, then the jobs that derive scores."""
