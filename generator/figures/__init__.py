"""The figures stage: `figure` blocks in posts become figures drawn from real models."""
