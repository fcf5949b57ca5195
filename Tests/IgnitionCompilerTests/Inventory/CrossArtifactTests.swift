import Foundation
import Testing
@testable import IgnitionCompiler
@testable import InventoryGen

/// One site, one truth: every static address and MAC of every host reads the same in the host's
/// Ignition (its network files), the zones (A and PTR), the Kubespray inventory, the libvirt
/// reservations and domains, and dnsmasq's and Kea's reservations. Each artifact is parsed as its
/// consumer reads it, not grepped.
@Suite struct CrossArtifactTests {
    struct Binding: Hashable, CustomStringConvertible {
        var mac: String
        var address: String
        var description: String { "\(mac)=\(address)" }
    }

    static func sites() throws -> [(name: String, site: Site)] {
        try BindConsumerTests.sites().filter { TestPaths.sampleNames().contains($0.name) } + [
            ("variety", try compile(RealConsumerTests.variety + """
            dns:
              nameservers: [ns.example.net.]
              reverse: false

            """, warnings: [noAddressWarning("alpha", line: 20)])),
        ]
    }

    @Test(arguments: try sites().map(\.name))
    func everyArtifactAgrees(_ name: String) throws {
        let site = try #require(try Self.sites().first { $0.name == name }?.site)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("out")
        try OutputDirectory.write(buildAll(site), to: out)
        let domain = site.domain.value

        let forward = try zoneRecords(out + "/bind/db.\(domain)")
        var pointers: [String: [String]] = [:]  // address → PTR targets
        if site.dns?.reverse == true {
            for file in try FileManager.default.contentsOfDirectory(atPath: out + "/bind") where file.hasSuffix(".in-addr.arpa") {
                let text = try String(contentsOfFile: out + "/bind/" + file, encoding: .utf8)
                let origin = try #require(text.split(separator: "\n").first { $0.hasPrefix("$ORIGIN ") }).dropFirst(8)
                for record in try zoneRecords(out + "/bind/" + file) where record.type == "PTR" {
                    pointers[Self.address(ofPTR: record.owner, origin: String(origin)), default: []].append(record.data)
                }
            }
        }
        // A k3s site has no Kubespray inventory: its nodes' addresses are checked in config.yaml.
        let inventory = site.isK3s ? [:] : try inventoryHosts(out + "/kubespray/inventory.ini")

        for host in site.hosts {
            let hostName = host.name.value
            let expected = Set(host.nics.compactMap { nic in
                nic.address.map { Binding(mac: nic.mac.value.description, address: $0.value.description) }
            })
            // Ignition: the network files it writes on the host.
            #expect(try ignitionBindings(out + "/ignition/\(hostName).ign") == expected, "\(name)/\(hostName) Ignition")

            // Zones: an A record per static address, the canonical one at the host's name, and one PTR each.
            let primary = SiteFacts.primaryAddress(of: host, in: site)?.description
            for binding in expected {
                let owners = forward.filter { $0.type == "A" && $0.data == binding.address }.map(\.owner)
                #expect(owners.count >= 1, "\(name)/\(hostName): no A record for \(binding.address)")
                if binding.address == primary { #expect(owners.contains(hostName)) }
                if site.dns?.reverse == true {
                    #expect(pointers[binding.address] == ["\(hostName).\(domain)."], "\(name): PTR of \(binding.address)")
                }
            }

            if site.isK3s {
                // k3s: the node-ip k3s registers is one of the host's addresses.
                let config = try #require(K3sNodeConfig(host: host, in: site))
                let nodeIP = config.entries.first { $0.key == "node-ip" }?.value
                #expect(nodeIP.map { value in expected.contains { JSONValue.string($0.address) == value } } == true, "\(name)/\(hostName) node-ip")
            } else {
                // Kubespray: ansible_host is the canonical address; ip is one of the host's addresses.
                let line = try #require(inventory[hostName], "\(name)/\(hostName) not in inventory.ini")
                #expect(line["ansible_host"] == primary)
                if let ip = line["ip"] { #expect(expected.contains { $0.address == ip }) }
            }

            // libvirt: every attached NIC's MAC in the domain, every static one reserved on its network.
            let domainPath = out + "/libvirt/domains/\(hostName).xml"
            if FileManager.default.fileExists(atPath: domainPath) {
                let domainXML = try String(contentsOfFile: domainPath, encoding: .utf8)
                let macs = Set(Self.attributes(of: "mac", in: domainXML).compactMap { $0["address"] })
                for nic in host.nics where site.network(named: nic.network.value)?.libvirt != nil {
                    #expect(macs.contains(nic.mac.value.description), "\(name)/\(hostName): \(nic.mac.value) not in the domain")
                    guard let address = nic.address?.value.description else { continue }
                    let networkXML = try String(contentsOfFile: out + "/libvirt/networks/\(nic.network.value).xml", encoding: .utf8)
                    let reservations = Self.attributes(of: "host", in: networkXML).filter { $0["mac"] != nil }
                    #expect(reservations.contains { $0["mac"] == nic.mac.value.description && $0["ip"] == address },
                            "\(name)/\(hostName): no reservation \(nic.mac.value)=\(address)")
                }
            }
        }

        // DHCP: dnsmasq and Kea reserve exactly the static NICs of the networks with `dhcp`, each
        // under a name the zone gives its address.
        let expected = Set(site.hosts.flatMap { host in
            host.nics.compactMap { nic -> Binding? in
                guard site.network(named: nic.network.value)?.dhcp != nil, let address = nic.address else { return nil }
                return Binding(mac: nic.mac.value.description, address: address.value.description)
            }
        })
        let dnsmasq = try dnsmasqReservations(out + "/dnsmasq/\(site.name.value).conf")
        let kea = try keaReservations(out + "/kea/kea-dhcp4.json")
        #expect(Set(dnsmasq.map(\.binding)) == expected && dnsmasq.count == expected.count, "\(name): dnsmasq \(dnsmasq)")
        #expect(Set(kea.map(\.binding)) == expected && kea.count == expected.count, "\(name): Kea \(kea)")
        for reservation in dnsmasq + kea {
            let owners = forward.filter { $0.type == "A" && $0.data == reservation.binding.address }.map(\.owner)
            #expect(owners.contains(reservation.name), "\(name): \(reservation) is not named as the zone names its address")
        }
        if expected.isEmpty {
            #expect(!FileManager.default.fileExists(atPath: out + "/dnsmasq") && !FileManager.default.fileExists(atPath: out + "/kea"))
        }
    }

    /// `dhcp-host=MAC,ADDRESS,NAME` lines; none when there is no file.
    func dnsmasqReservations(_ path: String) throws -> [(binding: Binding, name: String)] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard line.hasPrefix("dhcp-host=") else { return nil }
            let fields = line.dropFirst(10).split(separator: ",").map(String.init)
            return fields.count == 3 ? (Binding(mac: fields[0], address: fields[1]), fields[2]) : nil
        }
    }

    /// Every subnet's reservations; none when there is no file.
    func keaReservations(_ path: String) throws -> [(binding: Binding, name: String)] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let subnets = (json?["Dhcp4"] as? [String: Any])?["subnet4"] as? [[String: Any]] ?? []
        return subnets.flatMap { ($0["reservations"] as? [[String: String]]) ?? [] }.compactMap { entry in
            guard let mac = entry["hw-address"], let address = entry["ip-address"], let hostname = entry["hostname"] else { return nil }
            return (Binding(mac: mac, address: address), hostname)
        }
    }

    // MARK: Readers

    /// (mac, address) of each static NIC, from the NetworkManager keyfiles or networkd units in the config.
    func ignitionBindings(_ path: String) throws -> Set<Binding> {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        let files = (json?["storage"] as? [String: Any])?["files"] as? [[String: Any]] ?? []
        var result = Set<Binding>()
        for file in files {
            guard let path = file["path"] as? String, path.hasSuffix(".nmconnection") || path.hasSuffix(".network"),
                  let source = (file["contents"] as? [String: Any])?["source"] as? String,
                  let bytes = DataURL.decode(source) else { continue }
            let ini = Self.ini(String(decoding: bytes, as: UTF8.self))
            let mac = ini["ethernet"]?["mac-address"] ?? ini["Match"]?["MACAddress"]
            let address = ini["ipv4"]?["address1"]?.split(separator: ",").first ?? ini["Network"]?["Address"].map { Substring($0) }
            if let mac, let address {
                result.insert(Binding(mac: mac.lowercased(), address: String(address.split(separator: "/")[0])))
            }
        }
        return result
    }

    static func ini(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast())
            } else if let eq = line.firstIndex(of: "=") {
                sections[current, default: [:]][String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
        }
        return sections
    }

    struct ZoneRecord {
        var owner: String
        var type: String
        var data: String
    }

    /// The records of a zone file igncc wrote (one record per line, owner always present).
    func zoneRecords(_ path: String) throws -> [ZoneRecord] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard let index = fields.firstIndex(of: "IN"), index + 2 < fields.count, !line.hasPrefix(";") else { return nil }
            return ZoneRecord(owner: fields[0], type: fields[index + 1], data: fields[(index + 2)...].joined(separator: "\t"))
        }
    }

    /// `21` in 1.168.192.in-addr.arpa. is 192.168.1.21; `65` in the RFC 2317 zone 64-26.1.168.192… is 192.168.1.65.
    static func address(ofPTR owner: String, origin: String) -> String {
        let labels = (owner.split(separator: ".") + origin.split(separator: "."))
            .filter { $0 != "in-addr" && $0 != "arpa" && !$0.contains("-") }
        return labels.reversed().joined(separator: ".")
    }

    /// `[all]` lines of inventory.ini: host → its variables.
    func inventoryHosts(_ path: String) throws -> [String: [String: String]] {
        var hosts: [String: [String: String]] = [:]
        var section = ""
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("[") { section = String(line); continue }
            guard section == "[all]" else { continue }
            let fields = line.split(separator: " ")
            var vars: [String: String] = [:]
            for field in fields.dropFirst() {
                let parts = field.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { vars[String(parts[0])] = String(parts[1]) }
            }
            hosts[String(fields[0])] = vars
        }
        return hosts
    }

    /// The attributes of every `<name …>` element in XML igncc wrote (attributes quoted with ').
    static func attributes(of element: String, in xml: String) -> [[String: String]] {
        var result: [[String: String]] = []
        var rest = Substring(xml)
        while let start = rest.range(of: "<\(element) ") {
            let tail = rest[start.upperBound...]
            guard let end = tail.firstIndex(of: ">") else { break }
            var attributes: [String: String] = [:]
            var text = tail[..<end]
            while let eq = text.range(of: "='") {
                let key = text[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                let afterQuote = text[eq.upperBound...]
                guard let close = afterQuote.firstIndex(of: "'") else { break }
                attributes[key] = String(afterQuote[..<close])
                text = afterQuote[afterQuote.index(after: close)...]
            }
            result.append(attributes)
            rest = tail[end...]
        }
        return result
    }
}
