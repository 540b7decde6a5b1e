"""Synthetic material the project makes itself: page renders, degradations, samples."""
