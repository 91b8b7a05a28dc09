"""Test helpers shared by every area's tests (not fixtures: plain functions and classes)."""
