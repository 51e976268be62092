"""extract stage: every RawDocument becomes an Article."""
