#!/usr/bin/env python3
"""Assembles the raw seed candidates for the fuzz targets from the samples, the test sources'
multi-line string literals and the Butane corpus. Writes <out>/{yaml,site,butane}/ with one
file per distinct input (named by its SHA-1). `fuzz/run merge` then minimises these into
fuzz/seeds/<target>/ with libFuzzer's -merge=1.

    fuzz/gen-seeds.py /tmp/raw-seeds
"""
import hashlib, os, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])

def literals(text):
    """Swift multi-line string literals, indentation stripped, with whether `minimalSite +` precedes."""
    for m in re.finditer(r'(minimalSite\s*\+\s*)?"""\n(.*?)\n([ \t]*)"""', text, re.S):
        body, indent = m.group(2), m.group(3)
        if '\\(' in body:  # interpolations: their values are not known here
            body = re.sub(r'\\\([^)]*\)', 'x', body)
        lines = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in body.split('\n')]
        s = '\n'.join(lines) + '\n'
        s = s.replace('\\\\', '\x00').replace('\\n', '\n').replace('\\t', '\t').replace('\\"', '"').replace('\x00', '\\')
        yield bool(m.group(1)), s

minimal = None
support = (root / 'Tests/IgnitionCompilerTests/Support/TestSupport.swift').read_text()
for _, s in literals(support[support.index('let minimalSite'):]):
    minimal = s
    break

seeds = {'yaml': set(), 'site': set(), 'butane': set()}
for p in sorted(root.glob('samples/*/site.yaml')):
    b = p.read_text()
    seeds['site'].add(b); seeds['yaml'].add(b)
seeds['site'].add(minimal)
for p in sorted(root.glob('Tests/**/*.swift')):
    for prefixed, s in literals(p.read_text()):
        if prefixed:
            s = minimal + s
        if re.search(r'^(hosts|networks|site|version):', s, re.M) and 'variant:' not in s:
            seeds['site'].add(s)
        if re.search(r'^variant:', s, re.M):
            seeds['butane'].add(s)
        if ':' in s or s.lstrip().startswith('-'):
            seeds['yaml'].add(s)
# minimalSite.replacingOccurrences(of: "...", with: "...") chains with one-line literals.
lit = r'"((?:[^"\\\n]|\\.)*)"'
for p in sorted(root.glob('Tests/**/*.swift')):
    for m in re.finditer(r'minimalSite((?:\s*\.replacingOccurrences\(of:\s*' + lit + r',\s*with:\s*' + lit + r'\))+)', p.read_text()):
        s = minimal
        for a, b in re.findall(r'of:\s*' + lit + r',\s*with:\s*' + lit, m.group(1)):
            unescape = lambda x: x.replace('\\n', '\n').replace('\\"', '"').replace('\\\\', '\\')
            s = s.replace(unescape(a), unescape(b))
        seeds['site'].add(s); seeds['yaml'].add(s)
for p in sorted(root.glob('Tests/IgnitionCompilerTests/Fixtures/butane/*/*.bu')):
    b = p.read_text()
    seeds['butane'].add(b); seeds['yaml'].add(b)

for target, items in seeds.items():
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for s in items:
        data = s.encode()
        if len(data) <= 65536:
            (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
    print(target, len(list(d.iterdir())))
