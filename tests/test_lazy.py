"""Deferred modules (generator/lazy.py): a submodule is deferred without importing its package, and
whichever way it is reached later (from-import, attribute of the package, import statement) it works."""

import subprocess
import sys

SCRIPT = """
from generator.lazy import is_loaded
assert not is_loaded("PIL") and not is_loaded("PIL.Image") and not is_loaded("dateutil.parser")
from PIL import Image, ImageDraw          # what generator/datasets does at its top: the package alone loads
assert is_loaded("PIL") and not is_loaded("PIL.Image") and not is_loaded("PIL.ImageDraw")
from PIL import UnidentifiedImageError
assert not is_loaded("PIL.Image")
import PIL.ImageDraw as draw_module
import PIL
assert PIL.ImageDraw is draw_module and not is_loaded("PIL.ImageDraw")
image = Image.new("L", (3, 2), 7)        # the first use loads it
assert is_loaded("PIL.Image") and image.size == (3, 2) and issubclass(UnidentifiedImageError, OSError)
ImageDraw.Draw(image).point((0, 0), 9)
assert image.getpixel((0, 0)) == 9 and PIL.Image.open is Image.open
from dateutil import parser
assert not is_loaded("dateutil.parser") and parser.parse("2024-03-05").year == 2024
import asyncio
assert not is_loaded("asyncio") and asyncio.run(asyncio.sleep(0, "done")) == "done"
print("ok")
"""


def test_deferred_submodules_load_on_first_use_whatever_the_way_in():
    result = subprocess.run([sys.executable, "-c", "import generator\n" + SCRIPT], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok"]
