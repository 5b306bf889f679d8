from pgseed._entry import genonaut

if __name__ == "__main__":
    genonaut()
