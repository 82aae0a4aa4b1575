"""Load tests with Locust: conversations like real use, many at once (`make loadtest`)."""
