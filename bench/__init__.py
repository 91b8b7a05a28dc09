"""Reproducible benchmarks: each bench/<area>/ package has main(argv); `make bench` runs all."""
