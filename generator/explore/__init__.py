"""The activation explorer: a static, interactive page per published model (`/explore/NAME/`).

`data.py` turns layer outputs into compact 8-bit files, `stage.py` decides what each page
shows, computes it (or takes it from the cache) and hands the compute step (generator/compute.py)
the pages, files and links, as plain data. It stands on the figures stage (generator/figures/), never under it.
The page itself is `templates/explore.html` with `templates/assets/js/explore.js`.
"""
