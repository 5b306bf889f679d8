from pgseed.cli import genonaut

if __name__ == "__main__":
    genonaut(prog_name="python -m genonaut.db.demo.seed_data_gen")
