import IgnitionCompiler

/// `out/bind/`: the site's forward zone, its reverse zones when `dns.reverse` is true, and
/// `named.conf.zones` with a `zone` stanza per file.
struct BindTarget: Backend {
    var target: BuildTarget { .bindZone }

    func validate(_ site: Site, into diagnostics: inout Diagnostics) {
        checkVIP(site, &diagnostics)
        checkAPIAddresses(site, &diagnostics)
        guard let dns = site.dns else { return }
        _ = ZonePlan.make(site, dns: dns, diagnostics: &diagnostics)
    }

    func check(_ site: Site, explicit: Bool, into diagnostics: inout Diagnostics) {
        if site.dns == nil && explicit {
            diagnostics.error("site '\(site.name.value)' has no 'dns' section: there is no zone to write for 'bind-zone'",
                              at: site.name.location)
        }
    }

    /// The API VIP moves between control planes: it may not be a host's own address. (A DNS
    /// record may name it: the VIP's PTR stays the API name's.)
    private func checkVIP(_ site: Site, _ diagnostics: inout Diagnostics) {
        guard let vip = site.kubernetes?.api?.vip else { return }
        for host in site.hosts {
            for nic in host.nics where nic.address?.value == vip.value {
                diagnostics.error("the API VIP \(vip.value) is also the address of host '\(host.name.value)'", at: vip.location,
                                  notes: [Diagnostic.Note("host '\(host.name.value)' has it here", at: nic.address!.location)])
            }
        }
    }

    /// `extra_addresses` adds to the API name's addresses: one it already has (the VIP, or a
    /// control plane's node address) is an error, whether or not the site has a zone, since the
    /// certificates' SANs come from the same set. (Twice in the list is the front-end's error.)
    private func checkAPIAddresses(_ site: Site, _ diagnostics: inout Diagnostics) {
        let set = SiteFacts.apiAddressSet(in: site)
        for extra in set where extra.origin == .extra {
            guard let generated = set.first(where: { $0.origin != .extra && $0.address == extra.address }) else { continue }
            switch generated.origin {
            case .vip:
                diagnostics.error("extra address \(extra.address) of the API name is its VIP already", at: extra.location,
                                  notes: [Diagnostic.Note("the VIP", at: generated.location)])
            case .controlPlane(let host):
                diagnostics.error("extra address \(extra.address) of the API name is already in its round robin, as the node address of control plane '\(host)'",
                                  at: extra.location, notes: [Diagnostic.Note("control plane '\(host)' has it here", at: generated.location)])
            case .extra:
                break
            }
        }
    }

    func files(for site: Site, options: BuildOptions) -> [OutputFile] {
        guard let dns = site.dns else { return [] }
        var ignored = Diagnostics()
        let plan = ZonePlan.make(site, dns: dns, diagnostics: &ignored)
        var files: [OutputFile] = []
        var conf = "// Zones of site '\(site.name.value)', written by igncc. Include this file from named.conf with\n"
        conf += "// 'directory' set to the folder that holds it (the file names are relative).\n"
        for zone in [plan.forward] + plan.reverse.map(\.zone) {
            files.append(OutputFile("bind/" + zone.fileName, text: render(zone, options: options), mode: 0o644))
        }
        conf += stanza(plan.forward)
        for reverse in plan.reverse {
            if let parent = reverse.classlessParent {
                conf += "// \(reverse.block): an RFC 2317 zone; \(parent.text) must delegate its addresses here.\n"
            }
            conf += stanza(reverse.zone)
        }
        files.append(OutputFile("bind/named.conf.zones", text: conf, mode: 0o644))
        return files
    }

    private func stanza(_ zone: Zone) -> String {
        "\nzone \"\(zone.origin.text)\" {\n\ttype primary;\n\tfile \"\(zone.fileName)\";\n};\n"
    }

    /// The zone with the serial of the zone file in the tree it replaces when it renders to the
    /// same bytes; else the next serial after the last one this tree held for it (the file's, or
    /// the tree state's when the zone left the tree or was kept by builds in between).
    private func render(_ zone: Zone, options: BuildOptions) -> String {
        let path = "bind/" + zone.fileName
        let previous = options.previousFile(path).map { String(decoding: $0, as: UTF8.self) }
        let fileSerial = previous.flatMap(Zone.serial(in:))
        if let previous, let fileSerial {
            let same = zone.render(serial: fileSerial)
            if same == previous { return same }
        }
        let last = ZoneSerial.latest(fileSerial, options.previousSerial(zoneFile: path))
        return zone.render(serial: ZoneSerial.next(after: last, on: options.date))
    }

    /// The serial of every zone file in the tree (`bind/db.*`).
    func serials(in files: [OutputFile]) -> [String: UInt32] {
        var serials: [String: UInt32] = [:]
        for file in files where file.relativePath.hasPrefix("bind/db.") {
            if let serial = Zone.serial(in: String(decoding: file.contents, as: UTF8.self)) { serials[file.relativePath] = serial }
        }
        return serials
    }
}
