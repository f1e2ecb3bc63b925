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
# The foreign types still in typed signatures, each with why; issue 12's remaining work. The
# check fails on any other, so the list can only shrink.
KNOWN = {
    "temporal_client::proto::temporal::api::common::v1::Payload":
        "the payload converter and codec traits (ToPayload, PayloadCodec, ...) work on the "
        "protos' Payload; an own Payload type is the remaining step",
    "temporal_client::proto::temporal::api::history::v1::HistoryEvent":
        "fetch_history streams the protos' history events (no typed event model yet)",
    "temporal_client::proto::temporal::api::enums::v1::IndexedValueType":
        "SearchAttributeKey::kind and SearchAttributeTypeError::expected",
    "temporal_client::proto::temporal::api::common::v1::Link":
        "StartOptions::link takes the protos' Link",
    "prost::name::Name":
        "ProtoJson and ProtoBinary carry prost messages by purpose (the M: prost::Name bound)",
}
# Sections of a type page that list implementations this crate did not write.
GENERATED_SECTIONS = ("blanket-implementations-list", "synthetic-implementations-list")


class Signatures(HTMLParser):
    """Collects (id, signature text, foreign crates linked) for each code header and field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.depth = 0
        self.skip_depth = None  # inside a generated implementations list
        self.current = None  # (id, depth at open, text parts, crates)
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
            self.current = (self.last_id, self.depth, [], set())
        if self.current is not None and tag == "a":
            # The title names the item's path, such as `struct tonic::status::Status`; types
            # of `temporal_proto` are documented (and named) under this crate's `proto`.
            href = attrs.get("href") or ""
            path = (attrs.get("title") or "").split(" ")[-1]
            named = path or href
            for crate in FOREIGN:
                if re.search(r"(^|/)%s/" % re.escape(crate), href) or path.startswith(crate + "::"):
                    self.current[3].add(named)
            for module in EXEMPT_DIRS[:2]:
                if path.startswith(f"temporal_client::{module}::"):
                    self.current[3].add(named)

    def handle_endtag(self, tag):
        if self.current is not None and self.depth == self.current[1]:
            ident, _, text, crates = self.current
            if crates:
                self.found.append((ident, " ".join("".join(text).split()), crates))
            self.current = None
        if self.skip_depth is not None and self.depth == self.skip_depth:
            self.skip_depth = None
        self.depth -= 1

    def handle_data(self, data):
        if self.current is not None:
            self.current[2].append(data)


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
