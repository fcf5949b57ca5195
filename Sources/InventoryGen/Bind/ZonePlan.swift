import Foundation
import IgnitionCompiler

/// The zones of a site, built from the `Site` IR with every rule checked on the way: the same
/// code makes the files and the diagnostics, so a site that passes `check` builds what it checked.
struct ZonePlan {
    var forward: Zone
    var reverse: [ReverseZone]

    struct ReverseZone {
        var zone: Zone
        /// For an RFC 2317 zone, the octet-boundary zone that must delegate to it.
        var classlessParent: DomainName?
        var block: IPv4Network
    }

    /// An address that gets a PTR record, and the name it points to.
    struct Pointer {
        var address: Located<IPv4Address>
        var target: DomainName
        var owner: String
        /// False for a host's address: one outside every network is already an error of its NIC.
        var reportIfUnplaced = true
    }

    static func make(_ site: Site, dns: DNSConfig, diagnostics: inout Diagnostics) -> ZonePlan {
        var builder = ForwardZoneBuilder(site: site, dns: dns)
        builder.collect(&diagnostics)
        builder.check(&diagnostics)
        let forward = builder.zone(&diagnostics)
        var reverse: [ReverseZone] = []
        if dns.reverse {
            reverse = ReverseZones.make(site, pointers: builder.pointers, template: forward, diagnostics: &diagnostics)
        }
        return ZonePlan(forward: forward, reverse: reverse)
    }
}

/// Entries of the forward zone, where they come from, and the rules between them.
struct ForwardZoneBuilder {
    let site: Site
    let dns: DNSConfig
    let origin: DomainName
    let defaultTTL: Int

    struct Entry {
        enum Source: Equatable {
            case host(String)
            case api
            case record
        }
        var owner: DomainName
        var type: String
        var data: String
        var explicitTTL: Int?
        var location: SourceLocation
        var source: Source
        /// For MX, SRV and CNAME: the target, with the location of the value.
        var target: DomainName?
    }

    private(set) var entries: [Entry] = []
    /// Entry indices by owner, in entry order.
    private var byOwner: [DomainName: [Int]] = [:]
    private(set) var pointers: [ZonePlan.Pointer] = []
    private var nameservers: [(name: DomainName, location: SourceLocation)] = []

    init(site: Site, dns: DNSConfig) {
        self.site = site
        self.dns = dns
        origin = DomainName(labels: site.domain.value.lowercased().split(separator: ".").map(String.init))
        defaultTTL = dns.ttl?.value ?? 3600
    }

    private mutating func add(_ entry: Entry) {
        byOwner[entry.owner, default: []].append(entries.count)
        entries.append(entry)
    }

    func effectiveTTL(_ entry: Entry) -> Int { entry.explicitTTL ?? defaultTTL }

    // MARK: Collecting

    mutating func collect(_ diagnostics: inout Diagnostics) {
        for host in site.hosts {
            for (nic, address, name) in SiteFacts.addressNames(of: host, in: site) {
                let owner = DomainName(labels: [name] + origin.labels)
                if name != host.name.value, let problem = owner.problem(as: .host, wildcard: false) {
                    diagnostics.error("DNS name '\(name)' of host '\(host.name.value)' on network '\(nic.network.value)' \(problem); rename the network",
                                      at: nic.network.location)
                    continue
                }
                let location = nic.address?.location ?? nic.location
                if let other = byOwner[owner]?.first.map({ entries[$0] }) {
                    diagnostics.error("DNS name '\(name)' of host '\(host.name.value)' on network '\(nic.network.value)' is also the name of \(describe(other))",
                                      at: location, notes: [Diagnostic.Note("the A record of \(describe(other)) comes from here", at: other.location)])
                    continue
                }
                add(Entry(owner: owner, type: "A", data: address.description, explicitTTL: nil, location: location,
                          source: .host(host.name.value)))
                pointers.append(.init(address: Located(address, at: location),
                                      target: DomainName(labels: [host.name.value] + origin.labels),
                                      owner: "host '\(host.name.value)'", reportIfUnplaced: false))
            }
        }
        collectAPI(&diagnostics)
        for record in dns.records { collect(record, &diagnostics) }
        for ns in dns.nameservers {
            let name = DomainName(resolving: ns.value, in: origin)
            if let problem = name.problem(as: .host, wildcard: false) {
                diagnostics.error("nameserver '\(ns.value)' \(problem)", at: ns.location)
            } else if let first = nameservers.first(where: { $0.name == name }) {
                diagnostics.error("nameserver '\(ns.value)' is listed twice", at: ns.location,
                                  notes: [Diagnostic.Note("first listed here", at: first.location)])
            } else {
                nameservers.append((name, ns.location))
            }
        }
        if dns.nameservers.isEmpty {
            diagnostics.error("'dns' has no nameservers; the zone needs one for its SOA and NS records", at: dns.location)
        }
    }

    private mutating func collectAPI(_ diagnostics: inout Diagnostics) {
        guard let api = site.kubernetes?.api else { return }
        let owner = DomainName(resolving: api.name.value, in: origin)
        guard owner.problem(as: .host, wildcard: false) == nil else { return }  // reported by the front-end
        guard owner.isInside(origin), owner != origin else {
            diagnostics.error("API name '\(api.name.value)' is not a name inside the zone '\(origin.text)'", at: api.name.location)
            return
        }
        if let other = byOwner[owner]?.first.map({ entries[$0] }) {
            diagnostics.error("API name '\(api.name.value)' is also the name of \(describe(other))", at: api.name.location,
                              notes: [Diagnostic.Note("the A record of \(describe(other)) comes from here", at: other.location)])
            return
        }
        let addresses = SiteFacts.apiAddressSet(in: site)
        if addresses.isEmpty {
            diagnostics.warning("API name '\(api.name.value)' gets no A record: no control-plane host has a static address",
                                at: api.name.location)
        }
        // A control plane's address is its host's (whose PTR names it); the VIP and an extra
        // address get a PTR to the API name, unless a host or the VIP has the address first.
        var added: Set<IPv4Address> = []
        for entry in addresses where added.insert(entry.address).inserted {
            add(Entry(owner: owner, type: "A", data: entry.address.description, explicitTTL: nil,
                      location: entry.isHostAddress ? api.name.location : entry.location, source: .api))
            if !entry.isHostAddress {
                pointers.append(.init(address: Located(entry.address, at: entry.location), target: owner,
                                      owner: entry.origin == .vip ? "the API VIP" : "'kubernetes.api.extra_addresses'"))
            }
        }
    }

    private mutating func collect(_ record: DNSRecord, _ diagnostics: inout Diagnostics) {
        let type = record.type.value
        let owner = DomainName(resolving: record.name.value, in: origin)
        guard owner.isInside(origin) else {
            diagnostics.error("DNS record name '\(record.name.value)' is outside the zone '\(origin.text)'", at: record.name.location)
            return
        }
        let kind: DomainName.Kind = [.A, .AAAA, .MX].contains(type) ? .host : .service
        if let problem = owner.problem(as: kind, wildcard: true) {
            diagnostics.error("DNS record name '\(record.name.value)' \(problem)", at: record.name.location)
            return
        }
        if let ttl = record.ttl, ttl.value < 0 || ttl.value > Int(Int32.max) {
            diagnostics.error("'ttl' must be between 0 and 2147483647, found \(ttl.value)", at: ttl.location)
            return
        }
        let value = record.value
        var target: DomainName?
        let data: String
        switch type {
        case .A:
            guard let address = IPv4Address(value.value) else { return }  // reported by the front-end
            data = address.description
            if !owner.isWildcard {
                pointers.append(.init(address: Located(address, at: value.location), target: owner,
                                      owner: "the DNS record '\(record.name.value)'"))
            }
        case .AAAA:
            guard let groups = IPv6.parse(value.value) else {
                diagnostics.error("'\(value.value)' is not an IPv6 address (for an AAAA record)", at: value.location)
                return
            }
            data = IPv6.canonical(groups)
        case .CNAME:
            guard let name = targetName(value.value, kind: .service, what: "CNAME target", at: value.location, &diagnostics) else { return }
            target = name
            data = name.absolute
        case .MX:
            let parts = value.value.split(whereSeparator: \.isWhitespace)
            guard parts.count == 2, let preference = UInt16(parts[0]) else {
                diagnostics.error("an MX record's value is 'PREFERENCE HOST' (e.g. '10 mail'), found '\(value.value)'", at: value.location)
                return
            }
            guard let name = targetName(String(parts[1]), kind: .host, what: "MX target", at: value.location, &diagnostics) else { return }
            target = name
            data = "\(preference) \(name.absolute)"
        case .SRV:
            let parts = value.value.split(whereSeparator: \.isWhitespace)
            guard parts.count == 4, let priority = UInt16(parts[0]), let weight = UInt16(parts[1]), let port = UInt16(parts[2]) else {
                diagnostics.error("an SRV record's value is 'PRIORITY WEIGHT PORT HOST' (e.g. '10 5 6443 kube'), found '\(value.value)'",
                                  at: value.location)
                return
            }
            if parts[3] == "." {
                data = "\(priority) \(weight) \(port) ."
            } else {
                guard let name = targetName(String(parts[3]), kind: .host, what: "SRV target", at: value.location, &diagnostics) else { return }
                target = name
                data = "\(priority) \(weight) \(port) \(name.absolute)"
            }
        case .TXT:
            data = Self.quotedText(value.value)
        }
        add(Entry(owner: owner, type: type.rawValue, data: data, explicitTTL: record.ttl?.value, location: record.name.location,
                  source: .record, target: target))
    }

    private func targetName(_ text: String, kind: DomainName.Kind, what: String, at location: SourceLocation,
                            _ diagnostics: inout Diagnostics) -> DomainName? {
        let name = DomainName(resolving: text, in: origin)
        if let problem = name.problem(as: kind, wildcard: false) {
            diagnostics.error("\(what) '\(text)' \(problem)", at: location)
            return nil
        }
        return name
    }

    /// TXT data: character-strings of at most 255 bytes, quoted, with `"` `\` and non-printing bytes escaped.
    static func quotedText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return "\"\"" }
        var chunks: [String] = []
        var start = 0
        while start < bytes.count {
            let chunk = bytes[start..<min(start + 255, bytes.count)]
            var out = "\""
            for byte in chunk {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += "\\" + String(UnicodeScalar(byte))
                case 0x20..<0x7f: out += String(UnicodeScalar(byte))
                default:
                    let decimal = String(byte)
                    out += "\\" + String(repeating: "0", count: 3 - decimal.count) + decimal
                }
            }
            chunks.append(out + "\"")
            start += 255
        }
        return chunks.joined(separator: " ")
    }

    // MARK: Rules between entries

    /// The entries a query for `name` finds: its own, else those of the wildcard that covers it.
    func lookup(_ name: DomainName) -> [Entry] {
        if let own = byOwner[name] { return own.map { entries[$0] } }
        var ancestor = name.parent
        while ancestor.isInside(origin) && !ancestor.labels.isEmpty {
            if let wildcard = byOwner[DomainName(labels: ["*"] + ancestor.labels)] { return wildcard.map { entries[$0] } }
            if byOwner[ancestor] != nil || ancestor == origin { break }
            ancestor = ancestor.parent
        }
        return []
    }

    func check(_ diagnostics: inout Diagnostics) {
        checkDuplicates(&diagnostics)
        checkAliases(&diagnostics)
        checkTTLs(&diagnostics)
        checkTargets(&diagnostics)
        checkWildcards(&diagnostics)
    }

    private func describe(_ entry: Entry) -> String {
        switch entry.source {
        case .host(let name): return "host '\(name)'"
        case .api: return "the Kubernetes API name"
        case .record: return "the DNS record '\(entry.owner.relative(to: origin))'"
        }
    }

    private func checkDuplicates(_ diagnostics: inout Diagnostics) {
        for (index, entry) in entries.enumerated() where entry.source == .record {
            let earlier = (byOwner[entry.owner] ?? []).filter { $0 < index }.map { entries[$0] }
            if let generated = earlier.first(where: { $0.source != .record }) {
                var what = generated.source == .api ? "the Kubernetes API name" : "the name of \(describe(generated))"
                if generated.source == .api && entry.type == "A" {
                    what += "; list the address in 'kubernetes.api.extra_addresses'"
                }
                diagnostics.error("DNS record '\(entry.owner.relative(to: origin))' duplicates \(what)",
                                  at: entry.location, notes: [Diagnostic.Note(generated.source == .api ? "the Kubernetes API name's record comes from here"
                                                                : "the A record of \(describe(generated)) at this name comes from here",
                                                                at: generated.location)])
            } else if let same = earlier.first(where: { $0.type == entry.type && $0.data == entry.data }) {
                diagnostics.error("duplicate DNS record '\(entry.owner.relative(to: origin))' \(entry.type) \(entry.data)",
                                  at: entry.location, notes: [Diagnostic.Note("first given here", at: same.location)])
            }
        }
    }

    private func checkAliases(_ diagnostics: inout Diagnostics) {
        for (index, entry) in entries.enumerated() where entry.type == "CNAME" {
            if entry.owner == origin {
                diagnostics.error("a CNAME record may not be at the zone's apex '\(origin.text)', which has SOA and NS records",
                                  at: entry.location)
                continue
            }
            let others = (byOwner[entry.owner] ?? []).filter { $0 != index }
            if let other = others.first, other < index || entries[other].type != "CNAME" {
                let first = entries[other]
                diagnostics.error("'\(entry.owner.relative(to: origin))' has a CNAME record and other records; a CNAME must be alone at its name",
                                  at: entry.location, notes: [Diagnostic.Note("\(describe(first)) has a \(first.type) record here", at: first.location)])
            }
            if let target = entry.target, target.isInside(origin), lookup(target).isEmpty {
                diagnostics.warning("CNAME target '\(target.text)' has no records in the zone", at: entry.location)
            }
        }
    }

    private func checkTTLs(_ diagnostics: inout Diagnostics) {
        var firstOfSet: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let key = entry.owner.text + " " + entry.type
            guard let first = firstOfSet[key] else { firstOfSet[key] = index; continue }
            let a = effectiveTTL(entries[first]), b = effectiveTTL(entry)
            if a != b {
                diagnostics.error("TTL \(b) of this '\(entry.owner.relative(to: origin))' \(entry.type) record differs from the TTL \(a) of the others; a record set has one TTL",
                                  at: entry.location, notes: [Diagnostic.Note("a record of the set with TTL \(a)", at: entries[first].location)])
            }
        }
    }

    /// MX, SRV and NS targets inside the zone must have address records and not be aliases.
    private func checkTargets(_ diagnostics: inout Diagnostics) {
        func check(_ target: DomainName, what: String, at location: SourceLocation, _ diagnostics: inout Diagnostics) {
            guard target.isInside(origin) else { return }
            let found = lookup(target)
            if let alias = found.first(where: { $0.type == "CNAME" }) {
                diagnostics.error("\(what) '\(target.text)' is an alias (CNAME); it must be a name with A or AAAA records",
                                  at: location, notes: [Diagnostic.Note("the CNAME record", at: alias.location)])
            } else if !found.contains(where: { $0.type == "A" || $0.type == "AAAA" }) {
                diagnostics.error("\(what) '\(target.text)' has no A or AAAA record in the zone", at: location)
            }
        }
        for entry in entries {
            guard let target = entry.target, entry.type == "MX" || entry.type == "SRV" else { continue }
            check(target, what: "\(entry.type) target", at: entry.location, &diagnostics)
        }
        for ns in nameservers {
            check(ns.name, what: "nameserver", at: ns.location, &diagnostics)
        }
    }

    private func checkWildcards(_ diagnostics: inout Diagnostics) {
        var warned = Set<DomainName>()
        for wildcard in entries where wildcard.owner.isWildcard {
            let closest = wildcard.owner.parent
            for entry in entries where entry.source == .record && !entry.owner.isWildcard {
                guard entry.owner.labels.count > closest.labels.count, entry.owner.isInside(closest) else { continue }
                let child = DomainName(labels: Array(entry.owner.labels.suffix(closest.labels.count + 1)))
                guard warned.insert(child).inserted else { continue }
                diagnostics.warning("'\(child.relative(to: origin))' shadows the wildcard '\(wildcard.owner.relative(to: origin))': queries for it and the names below it get no wildcard answer",
                                    at: entry.location, notes: [Diagnostic.Note("the wildcard", at: wildcard.location)])
            }
        }
    }

    // MARK: The zone

    func zone(_ diagnostics: inout Diagnostics) -> Zone {
        var sections: [(comment: String?, records: [Zone.Record])] = []
        func records(_ filter: (Entry) -> Bool) -> [Zone.Record] {
            entries.filter(filter).map { entry in
                let ttl = entry.explicitTTL.flatMap { $0 == defaultTTL ? nil : $0 }
                return Zone.Record(owner: entry.owner, ttl: ttl, type: entry.type, data: entry.data)
            }
        }
        sections.append(("hosts: the primary address at the host's name, others at <host>-<network>",
                         records { if case .host = $0.source { return true } else { return false } }))
        var apiComment = site.kubernetes?.api?.vip != nil ? "Kubernetes API: the VIP" : "Kubernetes API: round robin over the control planes"
        if site.kubernetes?.api?.extraAddresses.isEmpty == false { apiComment += ", then its extra_addresses" }
        sections.append((apiComment, records { $0.source == .api }))
        sections.append(("records from site.yaml", records { $0.source == .record }))
        return Zone(origin: origin, fileName: "db." + origin.text, defaultTTL: defaultTTL,
                    primaryNameserver: nameservers.first?.name ?? DomainName(labels: ["ns"] + origin.labels),
                    mailbox: mailbox(&diagnostics), nameservers: nameservers.map(\.name), sections: sections,
                    header: ["Zone \(origin.text) of site '\(site.name.value)', written by igncc; 'igncc build' rewrites it,",
                             "keeping the serial while the records stay the same."])
    }

    /// The SOA RNAME: `dns.email` with the local part's dots escaped, else `hostmaster.<domain>`.
    private func mailbox(_ diagnostics: inout Diagnostics) -> String {
        guard let email = dns.email else { return "hostmaster." + origin.absolute }
        let parts = email.value.split(separator: "@", omittingEmptySubsequences: false)
        let local = parts.first.map(String.init) ?? ""
        let domain = parts.count == 2 ? DomainName(labels: parts[1].lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)) : nil
        guard parts.count == 2, !local.isEmpty, local.utf8.count <= 63,
              local.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\\" && $0 != "\"" && $0 != ";" && $0 != "(" && $0 != ")" }),
              let domain, domain.problem(as: .host, wildcard: false) == nil else {
            diagnostics.error("'\(email.value)' is not an email address such as 'hostmaster@\(origin.text)'", at: email.location)
            return "hostmaster." + origin.absolute
        }
        return local.replacingOccurrences(of: ".", with: "\\.") + "." + domain.absolute
    }
}
