"""Phase B of spec 004: day-by-day activity keyed by (run seed, user id, absolute date)."""
