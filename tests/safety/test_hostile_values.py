"""Hostile values: templates that would run for hours or fill the memory, texts too large to convert,
names no file system takes, values that break the files they go into, models too large for the
machine and model files with Python code in them. Each is one `file:line` error within seconds,
with nothing changed (the previous site stands), or a build that works as Jekyll's would."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from generator.budgets import DEFAULT

POST = "blog/_posts/2020-01-02-hostile.md"
FAST = 15          # seconds: a case that would hang must end well under 20 s
LONG = "a" * 300   # a file name of more than 255 bytes


def loop_of_a_billion(blog):
    blog.post("{% for i in (1..1000000000) %}x{% endfor %}\n")
    return f"{POST}:4: the templates run more than 1,000,000 loop iterations", "loop_iterations"


def nested_loops(blog):
    blog.post("{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..1000) %}"
              "{% endfor %}{% endfor %}{% endfor %}\n")
    return f"{POST}:4: the templates run more than", "loop_iterations"


def huge_range_by_assign(blog):
    blog.post("Text.\n\n{% assign n = 1000000000 %}\n{% for i in (1..n) %}{{ i }}{% endfor %}\n")
    return f"{POST}:7: the templates run more than", "loop_iterations"


def long_row_of_loops(blog):
    """Each loop under the limit, together over it."""
    blog.post("{% for i in (1..999) %}{% endfor %}" * 1100 + "\n")
    return f"{POST}:4: the templates run more than", "loop_iterations"


def include_of_itself(blog):
    blog.write("_includes/self.html", "again {% include self.html %}")
    blog.post("Text.\n\n{% include self.html %}\n")
    return ("blog/_includes/self.html:1: rendering _posts/2020-01-02-hostile.md: includes, loops and blocks nest "
            "more than 30 deep", "include_depth")


def mutual_includes_fanning_out(blog):
    blog.write("_includes/a.html", "{% include b.html %}{% include b.html %}")
    blog.write("_includes/b.html", "{% include a.html %}{% include a.html %}")
    blog.post("{% include a.html %}\n")
    return "includes, loops and blocks nest more than 30 deep", "include_depth"


def append_doubling(blog):
    blog.post("{% assign s = 'ab' %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}\n")
    return f"{POST}:4: the templates' variables hold more than 50,000,000 bytes", "output_bytes"


def replace_squaring(blog):
    """Each replace squares the text: the second would make 10^13 characters at once."""
    blog.post("{% assign s = 'a' %}{% for i in (1..3000) %}{% assign s = s | append: 'a' %}{% endfor %}\n"
              "{% assign s = s | replace: 'a', s %}{% assign s = s | replace: 'a', s %}{{ s | size }}\n")
    return f"{POST}:5: the templates write more than 50,000,000 bytes", "output_bytes"


def capture_doubling(blog):
    blog.post("{% capture s %}ab{% endcapture %}{% for i in (1..60) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}"
              "{% endfor %}\n")
    return f"{POST}:4: the templates write more than 50,000,000 bytes", "output_bytes"


def deep_capture_nesting(blog):
    blog.post("{% capture a %}" * 200 + "x" + "{% endcapture %}" * 200 + "\n")
    return f"{POST}:4: tags nest more than 30 deep", "include_depth"


def huge_markdown(blog):
    blog.post("Words and *more* words.\n\n" * (DEFAULT.markdown_bytes // 25 + 10))
    return f"{POST}:4: the Markdown (after Liquid) is", "markdown_bytes"


def huge_front_matter(blog):
    padding = "".join(f"key{number}: {'x' * 100}\n" for number in range(DEFAULT.yaml_bytes // 100))
    blog.write("_posts/2020-01-02-hostile.md", f"---\ntitle: Big\n{padding}---\nText.\n")
    return f"{POST}:2: YAML text is", "yaml_bytes"


def huge_model_spec(blog):
    blog.write("_models/net.yml", "# " + "x" * DEFAULT.yaml_bytes + "\nload: net.keras\n")
    blog.post("Uses {{ models.net.params }} parameters.\n")
    return "blog/_models/net.yml:1: YAML text is", "yaml_bytes"


def huge_config(blog):
    blog.write("_config.yml", "title: Safety\nlong: '" + "x" * DEFAULT.yaml_bytes + "'\n")
    return "blog/_config.yml:1: YAML text is", "yaml_bytes"


BUDGETS = {
    "loop of 10^9": loop_of_a_billion,
    "nested loops": nested_loops,
    "huge range through assign": huge_range_by_assign,
    "a long row of loops": long_row_of_loops,
    "include of itself": include_of_itself,
    "mutual includes, each twice": mutual_includes_fanning_out,
    "append doubling": append_doubling,
    "replace squaring": replace_squaring,
    "capture doubling": capture_doubling,
    "deep capture nesting": deep_capture_nesting,
    "huge Markdown": huge_markdown,
    "huge front matter": huge_front_matter,
    "huge model spec": huge_model_spec,
    "huge _config.yml": huge_config,
}


@pytest.mark.parametrize("setup", BUDGETS.values(), ids=BUDGETS.keys())
def test_a_spent_budget_is_an_error_naming_its_limit(blog, setup):
    message, key = setup(blog)
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, message, before, seconds=FAST)
    assert f"(raise layerpress.limits.{key} in _config.yml" in run.err


def test_a_limit_can_be_raised_in_config(blog):
    blog.write("_config.yml", "title: Safety\nlayerpress:\n  limits: {loop_iterations: 1500000}\n")
    blog.post("{% for i in (1..999) %}{% endfor %}" * 1100 + "done\n")
    run = blog.build()
    assert run.status == 0 and run.seconds < FAST, run
    assert "done" in (blog.dest / "2020/01/02/hostile.html").read_text()


def test_a_limit_must_be_a_positive_integer(blog):
    blog.write("_config.yml", "title: Safety\nlayerpress:\n  limits:\n    output_bytes: lots\n")
    before = blog.everything()
    blog.refuses(blog.build(), "blog/_config.yml:4: 'layerpress.limits.output_bytes' must be a positive integer",
                 before, seconds=FAST)


# -- names no file system takes --

def front_matter(blog, lines: str, name: str = "2020-01-02-hostile.md") -> None:
    blog.write(f"_posts/{name}", f"---\ntitle: Hostile\n{lines}\n---\nText.\n")


NAMES = {
    "NUL in a permalink": ('permalink: "/a\\0b/"', f"{POST}:3: output path 'a\\0b/index.html' holds a NUL byte"),
    "NUL in a category": ('categories: ["a\\0b"]', f"{POST}:3: category 'a\\0b' holds a NUL byte"),
    "300-byte permalink folder": (f"permalink: /{LONG}/x/", f"{POST}:3: output path '{'a' * 60}...' has a part "
                                                            "of 300 bytes, more than the 255"),
    "300-byte slug": (f"slug: {LONG}", f"{POST}:3: output path '2020/01/02/{'a' * 49}...' has a part of 305 bytes"),
    "300-byte category": (f"categories: [{LONG}]\npermalink: /:title/", f"{POST}:3: category '{'a' * 60}...' "
                                                                         "has a part of 300 bytes"),
    "path over the OS limit": ("permalink: /" + f"{'a' * 200}/" * 30, f"{POST}:3: output path '{'a' * 60}...' is "
                                                                      "6040 bytes long, more than the 2048"),
}


@pytest.mark.parametrize("lines, message", NAMES.values(), ids=NAMES.keys())
def test_names_no_file_system_takes_are_errors_at_their_line(blog, lines, message):
    front_matter(blog, lines)
    before = blog.everything()
    blog.refuses(blog.build(), message, before, seconds=FAST)


def test_a_file_name_whose_page_name_is_too_long(blog):
    name = "p" * 252 + ".md"   # the file system takes it; its page, p...p.html, is 257 bytes
    blog.write(name, "---\ntitle: Long\n---\nText.\n")
    before = blog.everything()
    blog.refuses(blog.build(), f"blog/{name}:1: output path '{'p' * 60}...' has a part of 257 bytes", before,
                 seconds=FAST)


def test_a_probe_named_with_a_nul_byte(blog):
    blog.post('Text.\n\n```figure\nkind: reshape\nprobe: "a\\0b.png"\n```\n')
    before = blog.everything()
    blog.refuses(blog.build(), f"{POST}:6: probe 'a\\0b.png' holds a NUL byte", before, seconds=FAST)


def test_nul_in_a_title_and_slug_is_only_text(blog):
    front_matter(blog, 'slug: "x\\0y"\ntitle: "Nul \\0 here"')
    run = blog.build()
    assert run.status == 0 and run.seconds < FAST, run
    assert (blog.dest / "2020/01/02/x-y.html").is_file()


# -- values Jekyll takes --

@pytest.mark.parametrize("config, front", [("excerpt_separator: ''\n", ""), ("", "excerpt_separator: ''"),
                                           ("excerpt_separator: ' '\n", "")],
                         ids=["empty in _config.yml", "empty in front matter", "a space"])
def test_excerpt_separators_jekyll_takes(blog, config, front):
    blog.write("_config.yml", "title: Safety\n" + config)
    front_matter(blog, front)
    run = blog.build()
    assert run.status == 0 and run.seconds < FAST, run
    feed = (blog.dest / "feed.xml").read_text()
    assert "None" not in feed and "None" not in (blog.dest / "index.html").read_text()


# -- values that go into files of a fixed form --

FIXED_FORM = {
    "CNAME with a newline and HTML": ('cname: "blog.example.com\\n<script>alert(1)</script>"',
                                      "blog/_config.yml:2: 'cname' must be a host name such as blog.example.com"),
    "CNAME with a scheme": ("cname: https://blog.example.com", "blog/_config.yml:2: 'cname' must be a host name"),
    "url with a newline": ('url: "https://example.com\\nDisallow: /"',
                           "blog/_config.yml:2: 'url' must be a URL such as https://user.github.io"),
    "url without a scheme": ("url: example.com", "blog/_config.yml:2: 'url' must be a URL"),
    "baseurl with a space": ('baseurl: "/my blog"', "blog/_config.yml:2: 'baseurl' must be a path such as /blog"),
    "baseurl that is a URL": ("baseurl: https://example.com/blog", "blog/_config.yml:2: 'baseurl' must be a path"),
}


@pytest.mark.parametrize("line, message", FIXED_FORM.values(), ids=FIXED_FORM.keys())
def test_values_of_fixed_form_files_are_checked(blog, line, message):
    blog.write("_config.yml", f"title: Safety\n{line}\n")
    before = blog.everything()
    blog.refuses(blog.build(), message, before, seconds=FAST)


def test_good_cname_url_and_baseurl_are_written(blog):
    blog.write("_config.yml", "title: Safety\ncname: blog.example.com\nurl: https://example.com/\nbaseurl: /blog/\n")
    run = blog.build()
    assert run.status == 0 and run.seconds < FAST, run
    assert (blog.dest / "CNAME").read_text() == "blog.example.com\n"
    assert "Sitemap: https://example.com/blog/sitemap.xml" in (blog.dest / "robots.txt").read_text()


# -- safe mode --

def test_shared_folders_are_refused_in_safe_mode(blog):
    (blog.root / "shared").mkdir()
    blog.write("_config.yml", "title: Safety\nlayerpress:\n  figure_width: 640\n  shared_folders: [../shared]\n")
    before = blog.everything()
    blog.refuses(blog.build("--safe"), "blog/_config.yml:4: 'layerpress.shared_folders' lets a build read outside "
                                       "the blog, which safe mode refuses", before, seconds=FAST)


def test_safe_true_in_config_is_safe_mode(blog):
    blog.write("_config.yml", "title: Safety\nsafe: true\nlayerpress:\n  shared_folders: [../shared]\n")
    before = blog.everything()
    blog.refuses(blog.build(), "blog/_config.yml:4: 'layerpress.shared_folders'", before, seconds=FAST)


SPEC = "dataset: {name: shapes, image_size: [8, 8], per_class: 4, test_per_class: 2, seed: 2}\n"


def test_a_model_too_large_for_the_memory_fails_before_allocating(blog):
    import keras  # noqa: F401 - imported before the timed build: the time limit is for the check, not TensorFlow's import

    blog.write("_models/net.yml", SPEC + "layers:\n  - Flatten\n  - Dense: {units: 1000000000}\n"
                                         "  - Dense: {units: 3, activation: softmax}\n")
    blog.post("Uses {{ models.net.params }} parameters.\n")
    before = blog.everything()
    blog.refuses(blog.build(), "blog/_models/net.yml:4: the model needs about", before, seconds=FAST)


def test_a_small_model_file_describing_a_huge_model_fails_before_allocating(blog):
    """14 KB of .keras whose config declares a Dense of 10^9 units: Keras would build it before loading weights."""
    import json
    import zipfile

    import keras

    small = blog.root / "small.keras"
    keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3)]).save(small)
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(blog.source / "huge.keras", "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "config.json":
                config = json.loads(data)
                config["config"]["layers"][-1]["config"]["units"] = 10**9
                data = json.dumps(config).encode()
            target.writestr(info, data)
    blog.write("_models/net.yml", SPEC + "load: huge.keras\n")
    blog.post("Uses {{ models.net.params }} parameters.\n")
    before = blog.everything()
    blog.refuses(blog.build(), "blog/_models/net.yml:2: the model needs about 388.0 GB of memory to run "
                               "(65,000,000,000 parameters)", before, seconds=FAST)


def write_lambda_model(path):
    import keras

    model = keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Lambda(lambda x: x / 255.0),
                              keras.layers.Flatten(), keras.layers.Dense(3, activation="softmax")])
    model.save(path)


@pytest.fixture
def lambda_blog(blog):
    write_lambda_model(blog.source / "lambda.keras")
    blog.write("_models/net.yml", SPEC + "load: lambda.keras\n")
    blog.post("Uses {{ models.net.params }} parameters.\n")
    return blog


@pytest.mark.slow
def test_a_lambda_layer_is_refused_in_safe_mode_and_warned_of_outside_it(lambda_blog):
    blog = lambda_blog
    before = blog.everything()
    blog.refuses(blog.build("--safe"), "blog/_models/net.yml:2: load: lambda.keras holds a Lambda layer (Python "
                                       "code), which --safe refuses", before, seconds=FAST)
    blog.write("_config.yml", "title: Safety\nsafe: true\n")
    before = blog.everything()
    blog.refuses(blog.build(), "blog/_models/net.yml:2: load: lambda.keras holds a Lambda layer", before, seconds=FAST)

    blog.write("_config.yml", "title: Safety\n")
    run = blog.run("build", "--source", str(blog.source), "--dest", str(blog.dest))
    assert run.status == 0 and run.seconds < FAST, run
    warnings = [line for line in run.err.splitlines() if line.startswith("warning:")]
    assert warnings == [textwrap.dedent("""\
        warning: blog/_models/net.yml:2: load: lambda.keras holds a Lambda layer: this build runs its Python code \
(--safe refuses such files)""")]
    assert "Uses 195 parameters" in (blog.dest / "2020/01/02/hostile.html").read_text()


def test_a_new_post_with_a_very_long_title_gets_a_file_name_that_fits(blog):
    title = "word " * 80
    run = blog.run("new", title, "--source", str(blog.source))
    assert run.status == 0 and run.seconds < FAST, run
    (made,) = [path for path in (blog.source / "_posts").iterdir() if "word" in path.name]
    assert len(made.name.encode()) <= 255 and made.name.endswith("-word-word.md")
    assert yaml.safe_load(made.read_text().split("---")[1])["title"] == title


def test_markdownify_of_a_huge_text_is_bounded_too(blog):
    blog.post("{% capture s %}{% for i in (1..30000) %}Words and *more* words. {% endfor %}{% endcapture %}\n\n"
              "{{ s | markdownify }}\n")
    before = blog.everything()
    run = blog.build()
    blog.refuses(run, f"{POST}:6: markdownify's text is more than 500,000 bytes", before, seconds=FAST)
    assert "(raise layerpress.limits.markdown_bytes in _config.yml" in run.err


def test_the_memory_check_leaves_the_seeds_of_the_weights_as_they_were(blog):
    """Keras draws initializer seeds from Python's and NumPy's generators: counting a model must not."""
    import random

    import keras
    import numpy as np

    from generator.models.build import check_memory
    from generator.models.store import ModelStore

    blog.write("_models/net.yml", SPEC + "layers:\n  - Flatten\n  - Dropout: {rate: 0.2}\n  - Dense: {units: 3}\n")
    spec = ModelStore(blog.source, blog.root / "cache").spec("net")
    keras.utils.set_random_seed(7)
    expected = random.random(), np.random.random()
    keras.utils.set_random_seed(7)
    check_memory(spec, (8, 8, 1), keras)
    assert (random.random(), np.random.random()) == expected


@pytest.mark.parametrize("command", ["freeze", "serve"])
def test_other_commands_take_safe_too(blog, command):
    blog.write("_config.yml", "title: Safety\nlayerpress:\n  shared_folders: [../shared]\n")
    before = blog.everything()
    run = blog.run(command, "--source", str(blog.source), "--safe", *(["--port", "0"] if command == "serve" else []))
    blog.refuses(run, "blog/_config.yml:3: 'layerpress.shared_folders' lets a build read outside the blog", before,
                 seconds=FAST)
