"""Spec 000's entry point: ``python -m genonaut.db.demo.seed_data_gen generate ...``.

A thin shell over ``pgseed genonaut``: same commands, same flags. Run it from the
repository root.
"""
