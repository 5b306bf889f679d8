"""The retail pack (spec 003, "The Forge"): stores, products, a calendar, and
daily sales, prices, promotions and inventory that hang together."""
