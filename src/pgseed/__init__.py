"""pgseed"""
