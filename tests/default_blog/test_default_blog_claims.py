"""The default blog's posts, written in Liquid: they build from the frozen results, the numbers and
sentences they compute are the models' own, and a claim that no longer holds stops the build at its line.

Builds the real default blog from its committed frozen results (`--frozen`: nothing is trained).
"""

import hashlib
import html
import json
import os
import re
import shutil

import pytest

from default_blog.blog_paths import CONTENT
from generator.build import BuildOptions, build
from generator.cli import main
from generator.figures.context import percent
from generator.figures.directive import prose_lines
from generator.freeze import FrozenResults
from generator.models.recipe import optimizer_settings
from generator.models.store import ModelStore

POSTS = sorted((CONTENT / "_posts").glob("*.md"))
DENSE, CONV, SHAPES, VGG = (next(post for post in POSTS if word in post.name)
                            for word in ("dense", "convolutions", "shapes", "vgg"))
TEMPLATE_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# What a measurement looks like when typed into prose: a percentage, an epoch number, a count of images.
# A training setting likewise: a learning rate, a batch size.
TYPED_MEASUREMENT = re.compile(r"\d+(?:\.\d+)?\s?%|\bepochs? \d|\b\d[\d,]* (?:test|training|validation) images"
                               r"|\blearning rates? (?:of |from )?\d|\bbatch(?:es)? of \d|\bbatch size (?:of )?\d")
# Jinja that Liquid does not have: set/call/macro tags, claim() calls, namespace(), loop.*, str.format, filter(args).
JINJA = re.compile(r"\{%-?\s*(?:set|call|endcall|macro)\b|\bclaim\(|\bnamespace\(|\bloop\.|\.format\(|\|\s*\w+\(")
CLAIM_TAG = re.compile(r"\{%-?\s*claim\s")
STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})  # undo smartypants
# Big, read-only folders are linked into a test's copy of the blog; everything else is copied.
LINKED = ("_freeze", "_data", "probes")
CACHE = CONTENT / ".layerpress-cache"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    dest = tmp_path_factory.mktemp("default-blog") / "site"
    build(BuildOptions(source=CONTENT, dest=dest, frozen_only=True))
    return dest


@pytest.fixture(scope="module")
def record(built_site):
    """The frozen record of a model reference, as the build reads it."""
    store = ModelStore(CONTENT, CACHE, frozen=FrozenResults(CONTENT))
    return store.record


def page_text(site, post) -> str:
    """The visible text of a post's page, tags stripped and whitespace collapsed."""
    page = next(site.glob(f"*/2026/*/*/{post.stem[len('2026-11-02-'):]}/index.html"))
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(text).translate(STRAIGHT_QUOTES).split())


def prose(path) -> str:
    """The post's text outside fenced code and figure blocks and outside template tags."""
    text = "\n".join(line for _, line in prose_lines(path.read_text(encoding="utf-8")))
    return TEMPLATE_SPAN.sub(" ", text)


def line_of(post, snippet: str) -> int:
    """The 1-based line of the post where `snippet` starts (it must occur once)."""
    text = post.read_text(encoding="utf-8")
    assert text.count(snippet) == 1, f"{post.name}: {snippet!r} occurs {text.count(snippet)} times"
    return text[:text.index(snippet)].count("\n") + 1


def test_every_post_builds_and_no_template_syntax_reaches_a_page(built_site):
    pages = {path.parent.name: path.read_text(encoding="utf-8")
             for path in built_site.glob("*/2026/*/*/*/index.html")}
    assert sorted(pages) == sorted(post.stem[len("2026-11-02-"):] for post in POSTS)
    for name, page in pages.items():
        assert "{{" not in page and "{%" not in page and "claim" not in page.lower(), name


def test_posts_and_pages_are_written_in_liquid_not_jinja():
    for path in POSTS + [CONTENT / "about.md"]:
        jinja = [match.group(0) for _, line in prose_lines(path.read_text(encoding="utf-8"))
                 for match in JINJA.finditer(line)]
        assert jinja == [], f"{path.name}: Jinja syntax left: {jinja}"


def test_posts_about_models_check_their_statements_with_claims():
    for post in POSTS:
        text = post.read_text(encoding="utf-8")
        if "models." in text or "models[" in text:
            assert len(CLAIM_TAG.findall(text)) >= 2, f"{post.name}: statements about models without claims"


def test_no_measurement_is_typed_into_the_prose():
    for post in POSTS:
        typed = TYPED_MEASUREMENT.findall(prose(post))
        assert typed == [], f"{post.name}: quote these from the models instead: {typed}"


def test_no_post_links_to_the_unpublished_model_specs(built_site):
    for page in built_site.glob("*/2026/*/*/*/index.html"):
        assert not re.search(r'href="[^"]*_models/', page.read_text(encoding="utf-8")), page


def test_the_dense_post_quotes_and_ranks_the_optimizers_as_their_records_say(built_site, record):
    text = page_text(built_site, DENSE)
    mlp = record("dense_mlp")
    ranked = sorted([("SGD", record("dense_mlp:sgd")), ("RMSprop", record("dense_mlp:rmsprop")),
                     ("Adagrad", record("dense_mlp:adagrad"))], key=lambda item: -item[1]["metrics"]["test_accuracy"])
    (first, a), (second, b), (third, c) = [(name, r["metrics"]["test_accuracy"]) for name, r in ranked]
    assert f"On this run {first} came first with {percent(a)}, then {second} with {percent(b)} " \
           f"and {third} with {percent(c)}." in text

    history = record("dense_mlp:rmsprop")["history"]["val_accuracy"]
    falls = [(history[i - 1] - history[i], i) for i in range(1, len(history))]
    _, index = max(falls, key=lambda fall: (fall[0], -fall[1]))
    assert f"its validation accuracy fell from {percent(history[index - 1])} at epoch {index} " \
           f"to {percent(history[index])} at epoch {index + 1}." in text

    hidden = mlp["layers"][2]
    assert f"That is {percent(hidden['params'] / mlp['params'])} of the network's {mlp['params']:,} parameters" in text
    wrong = round(mlp["test_examples"] * (1 - mlp["metrics"]["test_accuracy"]))
    assert f"the network gets {wrong} of {mlp['test_examples']} images wrong" in text

    untrained = record("dense_mlp:untrained")
    columns = [sum(column) for column in zip(*untrained["confusion_matrix"])]
    favourite = columns.index(max(columns))
    assert f"the untrained network calls {max(columns)} of the {untrained['test_examples']} test images " \
           f"a {untrained['class_names'][favourite]}, and its test accuracy, " \
           f"{percent(untrained['metrics']['test_accuracy'])}, is no better than picking" in text


def test_the_cnn_posts_quote_their_models_records(built_site, record):
    conv, mlp = record("conv_cnn"), record("dense_mlp")
    text = page_text(built_site, CONV)
    assert f"reaches {percent(conv['metrics']['test_accuracy'])} on {conv['test_examples']} test images" in text
    assert f"The whole network has {conv['params']:,} parameters, {round(mlp['params'] / conv['params'])} " \
           f"times fewer than the {mlp['params']:,} of the dense network" in text

    shapes = record("shapes_cnn")
    text = page_text(built_site, SHAPES)
    mistakes = round(shapes["test_examples"] * (1 - shapes["metrics"]["test_accuracy"]))
    assert f"classifies {percent(shapes['metrics']['test_accuracy'], 2)} of the held-out test images correctly " \
           f"({mistakes} mistakes in {shapes['test_examples']})" in text
    assert f"The training set holds {shapes['train_examples']:,} images" in text


def epoch_sentence(shapes: dict) -> str:
    """What post 4 says about the epoch its checkpoint kept, from the record's history."""
    best, val = shapes["best_epoch"], shapes["history"]["val_accuracy"]
    if best < shapes["epochs"] and val[-1] < val[best - 1]:
        return (f"On this run that is epoch {best} ({percent(val[best - 1])} on the validation images), "
                f"not the last one ({percent(val[-1])}): the weights at the end of training are not the best ones")
    if best < shapes["epochs"]:
        return f"On this run that is epoch {best} ({percent(val[best - 1])} on the validation images), the first"
    return f"On this run the best epoch was the last one, epoch {best} ({percent(val[best - 1])} on the validation"


def test_the_shapes_post_shows_the_mistakes_and_the_kept_epoch_of_its_record(built_site, record):
    shapes = record("shapes_cnn")
    text = page_text(built_site, SHAPES)
    assert epoch_sentence(shapes) in text
    names, matrix = shapes["class_names"], shapes["confusion_matrix"]
    mistakes = [(n, names[t], names[p]) for t, row in enumerate(matrix) for p, n in enumerate(row) if t != p]
    worst = max(mistakes, key=lambda mistake: mistake[0])   # the first of the most frequent, as the post's loop
    assert f"The most frequent is calling a {worst[1]} a {worst[2]} ({worst[0]} times)" in text
    shown = min(12, sum(n for n, _, _ in mistakes))
    assert f"{shown} of {shown} labelled images misclassified." in text   # the mistakes figure's note
    assert f"with a chance of {percent(shapes['dataset']['occlusion'], 0)}" in text


def learn_nothing_after_the_last_epoch(data):
    """A run whose validation accuracy only rises: the checkpoint keeps the last epoch."""
    data["history"]["val_accuracy"] = sorted(data["history"]["val_accuracy"])
    data["best_epoch"] = data["epochs"]


def test_the_shapes_post_says_what_its_checkpoint_kept_for_another_run(blog_copy, tmp_path, record):
    change_record(blog_copy, "shapes_cnn", learn_nothing_after_the_last_epoch)
    changed = record("shapes_cnn") | {"best_epoch": record("shapes_cnn")["epochs"]}
    changed["history"] = {**changed["history"], "val_accuracy": sorted(changed["history"]["val_accuracy"])}

    build(BuildOptions(source=blog_copy, dest=tmp_path / "site", frozen_only=True))

    text = page_text(tmp_path / "site", SHAPES)
    assert epoch_sentence(changed) in text and "the checkpoint made no difference this time" in text
    assert "not the last one" not in text


def test_the_vgg_post_counts_the_confusions_of_its_record(built_site, record):
    vgg = record("fashion_vgg")
    text = page_text(built_site, VGG)
    accuracy = percent(vgg["metrics"]["test_accuracy"], 2)
    assert f"classifies {accuracy} of the {vgg['test_examples']:,} test images" in text

    names, matrix = vgg["class_names"], vgg["confusion_matrix"]
    tops, footwear = {"T-shirt/top", "Pullover", "Dress", "Coat", "Shirt"}, {"Sandal", "Sneaker", "Ankle boot"}
    mistakes = [(n, names[t], names[p]) for t, row in enumerate(matrix) for p, n in enumerate(row) if t != p]
    wrong = sum(n for n, _, _ in mistakes)
    within_tops = sum(n for n, t, p in mistakes if t in tops and p in tops)
    within_footwear = sum(n for n, t, p in mistakes if t in footwear and p in footwear)
    worst = max(mistakes, key=lambda mistake: mistake[0])
    assert f"the network gets {wrong:,} wrong." in text
    assert f"and {within_tops:,} of the mistakes ({percent(within_tops / wrong, 0)}) take one of them" in text
    assert f"Footwear comes next: {within_footwear} mistakes confuse" in text
    assert f"calling a {worst[1]} a {worst[2]} ({worst[0]} times)" in text


def test_the_posts_name_their_training_settings_from_the_specs(built_site):
    """Post 2 names its batch size and learning rates; posts 3-5 their optimizer and show their recipe."""
    store = ModelStore(CONTENT, CACHE, frozen=FrozenResults(CONTENT))
    text = page_text(built_site, DENSE)
    sgd, rmsprop, adagrad = (optimizer_settings(store.spec(f"dense_mlp:{v}")) for v in ("sgd", "rmsprop", "adagrad"))
    assert f"in batches of {sgd['batch_size']} images, trained three times, each time with another optimizer: " \
           f"SGD at a learning rate of {sgd['learning_rate']}, RMSprop at {rmsprop['learning_rate']} and " \
           f"Adagrad at {adagrad['learning_rate']}." in text
    vgg = optimizer_settings(store.spec("fashion_vgg"))
    assert f"It trains with AdamW, its learning rate decaying from {vgg['learning_rate']} along a CosineDecay " \
           f"schedule, in batches of {vgg['batch_size']} images." in page_text(built_site, VGG)
    for post, name in ((CONV, "conv_cnn"), (SHAPES, "shapes_cnn")):
        settings = optimizer_settings(store.spec(name))
        assert f"{settings['optimizer']} with a learning rate of {settings['learning_rate']}" in page_text(built_site, post)
    for post in (CONV, SHAPES, VGG):
        page = next(built_site.glob(f"*/2026/*/*/{post.stem[len('2026-11-02-'):]}/index.html")).read_text()
        assert page.count('<figure class="layerpress-figure figure-recipe"') == 1, post.name


@pytest.fixture
def blog_copy(built_site, tmp_path):
    """A copy of the default blog to break: big read-only folders linked, the rest copied, and the data
    sets' fingerprints that the first build memoised (so that the shapes are not drawn again)."""
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source, ignore=shutil.ignore_patterns(".layerpress-cache", *LINKED))
    for name in LINKED:
        shutil.copytree(CONTENT / name, source / name, copy_function=os.link)
    shutil.copytree(CACHE / "data", source / ".layerpress-cache" / "data")
    return source


def rewrite(path, text: str) -> None:
    """Write a new file in place of `path` (which may be a link into the real blog)."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


def build_error(tmp_path, capsys, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["build", "--source", "content", "--dest", "site", "--quiet", "--frozen"])
    assert stop.value.code == 1
    assert not (tmp_path / "site").exists()
    return capsys.readouterr().err.strip()


def test_a_claim_edited_to_be_false_stops_the_build_at_its_line(blog_copy, tmp_path, capsys, monkeypatch):
    """The dense post claims the figures' network is the RMSprop one; say it is not."""
    post = blog_copy / "_posts" / DENSE.name
    original = "{% claim mlp.cache_key == rmsprop.cache_key %}{% endclaim %}"
    line = line_of(post, original)
    rewrite(post, post.read_text(encoding="utf-8").replace(
        original, "{% claim mlp.cache_key != rmsprop.cache_key %}The figures show another network.{% endclaim %}"))

    error = build_error(tmp_path, capsys, monkeypatch)

    assert error.startswith(f"error: content/_posts/{DENSE.name}:{line}: "
                            'claim is false: "The figures show another network."'), error


def change_record(source, ref: str, change) -> None:
    """Change the frozen record of `ref` in the copied blog as a retraining might, keeping its manifest valid."""
    entry = ModelStore(source, source / ".layerpress-cache", frozen=FrozenResults(source)).frozen_entry(ref)
    data = json.loads((entry / "record.json").read_text())
    change(data)
    text = json.dumps(data)
    rewrite(entry / "record.json", text)
    manifest = json.loads((entry / "MANIFEST.json").read_text())
    manifest["record.json"] = {"sha256": hashlib.sha256(text.encode()).hexdigest(), "size": len(text.encode())}
    rewrite(entry / "MANIFEST.json", json.dumps(manifest))


def set_accuracy(value):
    return lambda data: data["metrics"].update(test_accuracy=value)


def steady_history(data):
    """Validation accuracy that never falls from one epoch to the next."""
    data["history"]["val_accuracy"] = sorted(data["history"]["val_accuracy"])


def no_footwear_mistakes(data):
    footwear = [data["class_names"].index(name) for name in ("Sandal", "Sneaker", "Ankle boot")]
    for true in footwear:
        for predicted in footwear:
            if true != predicted:
                data["confusion_matrix"][true][predicted] = 0


@pytest.mark.parametrize("ref, change, post, claim", [
    ("fashion_vgg", set_accuracy(0.5), VGG, "{% claim vgg.metrics.test_accuracy > 0.8 %}"),
    ("fashion_vgg", no_footwear_mistakes, VGG, "{% claim wrong_footwear > 0 and"),
    ("dense_mlp:adagrad", set_accuracy(0.99), DENSE, "{% claim adagrad.metrics.test_accuracy < sgd"),
    ("dense_mlp:rmsprop", steady_history, DENSE, "{% claim drop > 0.05 %}"),
], ids=["vgg-accuracy", "vgg-footwear", "dense-ranking", "dense-wobble"])
def test_a_retrained_model_that_no_longer_agrees_stops_the_build_at_the_claim(
        blog_copy, tmp_path, capsys, monkeypatch, ref, change, post, claim):
    change_record(blog_copy, ref, change)

    error = build_error(tmp_path, capsys, monkeypatch)

    assert error.startswith(f"error: content/_posts/{post.name}:{line_of(post, claim)}: claim is false"), error


def test_links_between_posts_and_to_models_stay_inside_a_baseurl(blog_copy, tmp_path):
    """Jekyll 4's post_url carries the baseurl itself: the posts must not add it a second time."""
    config = blog_copy / "_config.yml"
    rewrite(config, re.sub(r'(?m)^baseurl: .*$', 'baseurl: "/sub"', config.read_text(encoding="utf-8")))
    site = tmp_path / "site"
    build(BuildOptions(source=blog_copy, dest=site, frozen_only=True))

    for post in POSTS:
        page = next(site.glob(f"*/2026/*/*/{post.stem[len('2026-11-02-'):]}/index.html"))
        links = re.findall(r'<a [^>]*href="(/[^"#]*)"', page.read_text(encoding="utf-8"))
        assert links, post.name
        for link in links:
            assert link.startswith("/sub/") and not link.startswith("/sub/sub/"), f"{post.name}: {link}"
            target = site / link.removeprefix("/sub/")
            assert (target / "index.html" if link.endswith("/") else target).is_file(), f"{post.name}: {link}"
