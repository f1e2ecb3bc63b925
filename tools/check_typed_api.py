#!/usr/bin/env python3
"""Fails if a typed signature of temporal-client names a tonic, prost or temporal-proto type.

Reads the rustdoc HTML of the crate (`cargo doc -p temporal-client`, with its dependencies,
so that every type in a signature is a link naming its crate) and looks at every signature
rustdoc renders: item declarations, fields, variants, methods and trait implementations.
A link into `tonic`, `prost`, `temporal_proto` (or `http`, `hyper`, `tower`, which tonic's
types carry), or into this crate's `proto` (the inlined `temporal_proto`) or `raw` modules, is
a leak, except in the escape hatches, which follow those crates' versions
on purpose:

- the `raw` and `proto` modules,
- methods named `raw_*`, `from_raw_*` or `into_raw*`,
- implementations for a type of the `raw` module (such as `impl ToPayload for
  ProtoJson<M>` on the page of `ToPayload`): they belong to that escape hatch,
- blanket and auto-trait implementations (`impl<T> IntoRequest<T> for T` is tonic's, for
  every type, and says nothing about this crate's API).

Usage: python3 tools/check_typed_api.py [DOC_DIR]   (default: $CARGO_TARGET_DIR/doc or
target/doc). Exit status 1 with the list of leaks, 0 when there are none.
"""

import html
import os
import re
import sys
from html.parser import HTMLParser

FOREIGN = ("tonic", "prost", "prost_types", "temporal_proto", "http", "hyper", "tower")
EXEMPT_DIRS = ("raw", "proto", "__private", "guide")
EXEMPT_METHOD = re.compile(r"^(tymethod|method)\.(raw_|from_raw_|into_raw)")
# The foreign types still allowed in typed signatures, each with why. Issue 12 emptied it; the
# check fails on any foreign type not listed, so an entry needs a reason a tonic maintainer
# would accept.
KNOWN = {}
# Sections of a type page that list implementations this crate did not write.
GENERATED_SECTIONS = ("blanket-implementations-list", "synthetic-implementations-list")


class Signatures(HTMLParser):
    """Collects (id, signature text, foreign crates linked) for each code header and field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.depth = 0
        self.skip_depth = None  # inside a generated implementations list
        self.current = None  # (id, depth at open, text parts, crates, links)
        self.last_id = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.depth += 1
        ident = attrs.get("id")
        if ident in GENERATED_SECTIONS and self.skip_depth is None:
            self.skip_depth = self.depth
        if ident:
            self.last_id = ident
        classes = (attrs.get("class") or "").split()
        if self.skip_depth is not None:
            return
        is_header = tag in ("h3", "h4") and "code-header" in classes
        is_decl = tag == "pre" and "item-decl" in classes
        is_field = tag == "span" and ("structfield" in classes or "variant" in classes)
        if self.current is None and (is_header or is_decl or is_field):
            self.current = (self.last_id, self.depth, [], set(), [])
        if self.current is not None and tag == "a":
            # The title names the item's path, such as `struct tonic::status::Status`; types
            # of `temporal_proto` are documented (and named) under this crate's `proto`.
            href = attrs.get("href") or ""
            path = (attrs.get("title") or "").split(" ")[-1]
            named = path or href
            # Where in the signature the link starts, and what it names.
            self.current[4].append((len("".join(self.current[2])), path))
            for crate in FOREIGN:
                if re.search(r"(^|/)%s/" % re.escape(crate), href) or path.startswith(crate + "::"):
                    self.current[3].add(named)
            for module in EXEMPT_DIRS[:2]:
                if path.startswith(f"temporal_client::{module}::"):
                    self.current[3].add(named)

    def handle_endtag(self, tag):
        if self.current is not None and self.depth == self.current[1]:
            ident, _, text, crates, links = self.current
            if crates and not implements_for_raw("".join(text), links):
                self.found.append((ident, " ".join("".join(text).split()), crates))
            self.current = None
        if self.skip_depth is not None and self.depth == self.skip_depth:
            self.skip_depth = None
        self.depth -= 1

    def handle_data(self, data):
        if self.current is not None:
            self.current[2].append(data)


def implements_for_raw(text, links):
    """Whether `text` is `impl ... for T` with `T` a type of this crate's `raw` module."""
    if not text.lstrip().startswith("impl"):
        return False
    found = re.search(r"\sfor\s", text)
    if not found:
        return False
    after = [path for start, path in links if start >= found.end()]
    return bool(after) and after[0].startswith("temporal_client::raw::")


VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}


class Balanced(Signatures):
    """rustdoc writes void elements without closing them: keep the depth right."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag in VOID:
            self.handle_endtag(tag)


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    doc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "doc")
    root = os.path.join(doc, "temporal_client")
    if not os.path.isdir(root):
        sys.exit(f"no rustdoc output at {root}: run `cargo doc -p temporal-client` first")
    for crate in ("tonic", "prost", "temporal_proto"):
        if not os.path.isdir(os.path.join(doc, crate)):
            sys.exit(f"{doc}/{crate} is missing: document with dependencies (no --no-deps), "
                     "so that foreign types in signatures are links")
    # rustdoc links a dependency's types only if that dependency was documented first: without
    # links, every signature would look clean. The escape hatches name tonic on purpose, so a
    # build with links shows them there.
    raw_pages = ""
    for directory, _, files in os.walk(os.path.join(root, "raw")):
        for name in files:
            if name.endswith(".html"):
                with open(os.path.join(directory, name), encoding="utf-8") as page:
                    raw_pages += page.read()
    if not re.search(r'href="[^"]*(^|/)tonic/', raw_pages):
        sys.exit(f"{root}/raw links to no tonic type: temporal_client was documented before its "
                 "dependencies; run `cargo doc -p temporal-client` after removing "
                 f"{root} (or touch crates/client/src/lib.rs)")
    leaks, pages, known = [], 0, {}
    for directory, subdirs, files in os.walk(root):
        relative = os.path.relpath(directory, root)
        if relative.split(os.sep)[0] in EXEMPT_DIRS:
            subdirs.clear()
            continue
        for name in sorted(files):
            if not name.endswith(".html") or name in ("all.html", "sidebar-items.js"):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as page:
                text = page.read()
            if 'http-equiv="refresh"' in text:
                continue  # a redirect page
            pages += 1
            parser = Balanced()
            parser.feed(text)
            for ident, signature, crates in parser.found:
                if EXEMPT_METHOD.match(ident):
                    continue
                for name in crates & KNOWN.keys():
                    known.setdefault(name, set()).add(os.path.relpath(path, root) + "#" + ident)
                unknown = crates - KNOWN.keys()
                if unknown:
                    leaks.append((os.path.relpath(path, root), ident, signature, unknown))
    if pages == 0:
        sys.exit("no pages scanned")
    for name, places in sorted(known.items()):
        print(f"known, to remove: {name} in {len(places)} signatures ({KNOWN[name]})")
    for page, ident, signature, crates in leaks:
        print(f"LEAK {page}#{ident}: {html.unescape(signature)}  [{', '.join(sorted(crates))}]")
    print(f"{pages} pages scanned, {len(leaks)} typed signatures naming other transport or "
          "proto types")
    sys.exit(1 if leaks else 0)


if __name__ == "__main__":
    main()
