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


def runs_ok(script: str) -> None:
    """`script` runs in a fresh Python after `import generator` (which defers the heavy modules) and prints ok."""
    result = subprocess.run([sys.executable, "-c", "import generator\n" + script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok"]


def test_deferred_submodules_load_on_first_use_whatever_the_way_in():
    runs_ok(SCRIPT)


FORWARDED = """
from generator.lazy import is_loaded
assert not is_loaded("urllib.request") and not is_loaded("uuid")
from urllib.request import pathname2url, url2pathname   # what pymdownx.util does at its top: nothing loads
import pymdownx.util
assert not is_loaded("urllib.request") and not is_loaded("http.client")
assert pymdownx.util.url2path("/a%20b") == "/a b"       # its first call loads the module, then answers
assert is_loaded("urllib.request") and pathname2url("/a b") == "/a%20b"
import urllib.request
assert urllib.request.url2pathname("/c%20d") == "/c d" and urllib.request.Request("http://x/").host == "x"
import uuid
assert not is_loaded("uuid") and len(str(uuid.uuid4())) == 36 and is_loaded("uuid")
print("ok")
"""


def test_forwarded_functions_load_their_module_on_the_first_call():
    runs_ok(FORWARDED)


FORWARDED_FROM_PACKAGES = """
from generator.lazy import is_loaded
import liquid
env = liquid.Environment()
assert env.from_string("{{ 'a' | upcase }}").render() == "A"
# python-liquid binds names of these packages at its top; a build never calls them, so neither loads
assert not is_loaded("liquid.extra") and not is_loaded("babel.messages") and not is_loaded("babel.dates")
assert liquid.Environment(extra=True).from_string("{{ 1 | json }}").render() == "1"   # the first call loads it
assert is_loaded("liquid.extra")
from liquid.messages import extract_from_templates
catalog = extract_from_templates(liquid.Environment(extra=True).from_string("{{ 'Hello' | t }}"))
assert [message.id for message in catalog if message.id] == ["Hello"] and is_loaded("babel.messages")
from babel.messages.catalog import Catalog
assert isinstance(catalog, Catalog)
print("ok")
"""


def test_forwarded_names_of_a_package_load_it_on_the_first_call_only():
    runs_ok(FORWARDED_FROM_PACKAGES)
