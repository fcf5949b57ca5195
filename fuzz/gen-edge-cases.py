#!/usr/bin/env python3
"""Writes the hand-made edge cases in Tests/IgnitionCompilerTests/Fixtures/fuzz/<target>/: inputs
under 64 KiB that sit at or just past the documented limits (nesting 64, 1,000,000 expanded
nodes, large scalars) or that are big but legal (hundreds of hosts, files, units). The fuzz
regression test runs every file there through the fuzz entry points with a 1 s budget; crashing
or slow inputs found by fuzz/run are added beside them (named crash-*, timeout-*, slow-*)."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent / 'Tests/IgnitionCompilerTests/Fixtures/fuzz'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo'
HEAD = f'''version: 1
site: demo
domain: demo.example
defaults:
  os: fcos
  install_disk: /dev/sda
  ssh_authorized_keys:
    - {KEY}
networks:
  lan:
    cidr: 10.0.0.0/16
    gateway: 10.0.0.1
    dns: [10.0.0.10]
'''

def laughs(levels=9, width=10, top='lol'):
    """The billion laughs: width**levels nodes from a few hundred bytes."""
    lines = [f'a0: &a0 ["{top}"]']
    for i in range(1, levels):
        lines.append(f'a{i}: &a{i} [' + ', '.join([f'*a{i-1}'] * width) + ']')
    return '\n'.join(lines) + '\n'

def write(target, name, text):
    data = text.encode() if isinstance(text, str) else text
    assert len(data) <= 65536, (target, name, len(data))
    d = root / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

for target, prefix in (('yaml', ''), ('butane', 'variant: fcos\nversion: 1.5.0\n')):
    write(target, 'nesting-64-block.yaml', prefix + 'x:\n' + ''.join(' ' * i + f'k{i}:\n' for i in range(1, 63)) + ' ' * 63 + 'v: 1\n')
    write(target, 'nesting-65-flow.yaml', prefix + 'x: ' + '[' * 65 + ']' * 65 + '\n')
    write(target, 'nesting-20000-flow.yaml', prefix + 'x: ' + '[' * 20000 + ']' * 20000 + '\n')
    write(target, 'nesting-30000-open.yaml', prefix + 'x: ' + '{a: [' * 6000 + '\n')
    write(target, 'alias-billion-laughs.yaml', prefix + laughs())
    write(target, 'alias-999999-nodes.yaml', prefix + laughs(levels=6, width=10) + 'b: [*a5]\n')
    write(target, 'alias-wide-60k.yaml', prefix + 'a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]\nb: [' + ', '.join(['*a'] * 12000) + ']\n')
    write(target, 'scalar-plain-60k.yaml', prefix + 'x: ' + 'a' * 61000 + '\n')
    write(target, 'scalar-escapes-60k.yaml', prefix + 'x: "' + '\\u00e9\\t' * 7500 + '"\n')
    write(target, 'scalar-folded-60k.yaml', prefix + 'x: >\n' + '  word word word\n\n' * 3500)
    write(target, 'keys-4500.yaml', prefix + 'x:\n' + ''.join(f'  k{i}: {i}\n' for i in range(4500)))
    write(target, 'anchors-3500.yaml', prefix + 'x:\n' + ''.join(f'  - &a{i} {i}\n' for i in range(3500)) + 'y: [' + ', '.join(f'*a{i}' for i in range(0, 3500, 7)) + ']\n')
    write(target, 'documents-3000.yaml', prefix + '---\na: 1\n' * 3000)
    write(target, 'nul-and-bom.yaml', b'\xef\xbb\xbf' + prefix.encode() + b'x: "\x00\xff\xfe"\n\t- y\n')

# Site: big but legal sites, and the limits reached through the site decoder.
hosts = ''.join(f'''  n{i}:
    roles: [{'control-plane, etcd, ' if i < 3 else ''}worker]
    nics: [{{mac: 52:54:00:00:{i // 256:02x}:{i % 256:02x}, network: lan, address: 10.0.{i // 250 + 1}.{i % 250 + 2}}}]
''' for i in range(560))
write('site', 'hosts-560.yaml', HEAD + 'hosts:\n' + hosts)
write('site', 'hosts-alias-laughs.yaml', HEAD + laughs() + 'hosts:\n  n1: {roles: *a8, nics: [{mac: 52:54:00:00:01:21, network: lan}]}\n')
write('site', 'hosts-nesting-65.yaml', HEAD + 'hosts:\n  n1:\n    labels: ' + '{a: ' * 65 + '1' + '}' * 65 + '\n')
write('site', 'snippet-files-800.yaml', HEAD + 'hosts:\n  n1:\n    roles: [control-plane, etcd, worker]\n    nics: [{mac: 52:54:00:00:01:21, network: lan, address: 10.0.0.21}]\n    butane: |\n      storage:\n        files:\n'
      + ''.join(f'          - {{path: /etc/f{i}, contents: {{inline: "x{i}"}}}}\n' for i in range(800)))
write('site', 'snippet-scalar-60k.yaml', HEAD + 'hosts:\n  n1:\n    roles: [control-plane, etcd, worker]\n    nics: [{mac: 52:54:00:00:01:21, network: lan, address: 10.0.0.21}]\n    butane: |\n      storage:\n        files:\n          - path: /etc/big\n            contents:\n              inline: "' + 'A' * 60000 + '"\n')
write('site', 'networks-200.yaml', HEAD.replace('networks:\n', 'networks:\n' + ''.join(f'  net{i}:\n    cidr: 10.{i + 1}.0.0/24\n' for i in range(200))) + 'hosts:\n  n1:\n    roles: [control-plane, etcd, worker]\n    nics:\n' + ''.join(f'      - {{mac: 52:54:00:01:00:{i:02x}, network: net{i}, address: 10.{i + 1}.0.5}}\n' for i in range(200)))

# Butane: many files, units, users.
bu = 'variant: fcos\nversion: 1.5.0\n'
write('butane', 'files-1000.bu', bu + 'storage:\n  files:\n' + ''.join(f'    - {{path: /etc/f{i}, contents: {{inline: "x"}}, mode: 0644}}\n' for i in range(1000)))
write('butane', 'units-800.bu', bu + 'systemd:\n  units:\n' + ''.join(f'    - {{name: u{i}.service, enabled: true, contents: "[Unit]\\nDescription=u{i}\\n[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n"}}\n' for i in range(400)))
write('butane', 'dirs-links-1800.bu', bu + 'storage:\n  directories:\n' + ''.join(f'    - path: /var/d{i}\n' for i in range(1800)) + '  links:\n' + ''.join(f'    - {{path: /var/l{i}, target: /var/d{i}}}\n' for i in range(500)))
write('butane', 'inline-60k.bu', bu + 'storage:\n  files:\n    - path: /etc/big\n      contents:\n        inline: "' + '\\x41' * 15000 + '"\n')
print('written under', root)
