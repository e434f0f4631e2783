from hypothesis import settings

# CI machines are shared and slow: no per-example deadline, a fixed derandomised search so runs are reproducible.
settings.register_profile("book", deadline=None, derandomize=True)
settings.load_profile("book")
