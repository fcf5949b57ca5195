import Foundation
import Testing
@testable import IgnitionCompiler

@Suite struct IgnitionBackendTests {
    private func config(_ yaml: String, host: Int = 0) throws -> JSONValue {
        let site = try compile(yaml)
        let config = site.mergedConfigs[site.hosts[host].name.value] ?? IgnitionBackend.generated(for: site.hosts[host], in: site)
        return ConfigRenderer.json(config, version: IgnitionSpecVersion(string: site.hosts[host].ignitionVersion.value.rawValue)!)
    }

    /// The files of a config, path → (decoded contents, mode).
    private func files(_ config: JSONValue) -> [String: (String, Int)] {
        guard case .array(let nodes)? = config["storage"]?["files"] else { return [:] }
        var result: [String: (String, Int)] = [:]
        for node in nodes {
            guard case .string(let path)? = node["path"], case .string(let source)? = node["contents"]?["source"],
                  case .int(let mode)? = node["mode"] else { continue }
            result[path] = (decodeDataURL(source), mode)
        }
        return result
    }

    private func decodeDataURL(_ url: String) -> String {
        if url.hasPrefix("data:;base64,") {
            return String(decoding: Base64.decode(String(url.dropFirst(13))) ?? [], as: UTF8.self)
        }
        return String(url.dropFirst(6)).removingPercentEncoding ?? ""
    }

    @Test func hostnameKeysAndNetwork() throws {
        let c = try config(minimalSite)
        #expect(c["ignition"]?["version"] == .string("3.4.0"))
        guard case .array(let users)? = c["passwd"]?["users"] else { Issue.record("no users"); return }
        #expect(users.count == 1)
        #expect(users[0]["name"] == .string("core"))
        #expect(users[0]["groups"] == nil)
        #expect(users[0]["sshAuthorizedKeys"] == .array([
            .string("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx4lQb2o3g1Yq8sX0pZ2mB0rGm6k0f8GQ2YtY3v9cW1 admin@demo"),
        ]))
        let f = files(c)
        #expect(f["/etc/hostname"]?.0 == "node1\n")
        #expect(f["/etc/hostname"]?.1 == 0o644)
        let keyfile = try #require(f["/etc/NetworkManager/system-connections/lan-525400000121.nmconnection"])
        #expect(keyfile.1 == 0o600)
        #expect(keyfile.0.contains("mac-address=52:54:00:00:01:21\n"))
        #expect(keyfile.0.contains("address1=192.168.1.21/24,192.168.1.1\n"))
        #expect(c["storage"]?["links"] == nil)
    }

    @Test func timezoneIsALinkAndVersionIsSelectable() throws {
        let c = try config(minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: fcos\n  timezone: Europe/Paris\n  ignition_version: 3.5.0\n"))
        #expect(c["ignition"]?["version"] == .string("3.5.0"))
        #expect(c["storage"]?["links"] == .array([.object([
            ("overwrite", .bool(true)), ("path", .string("/etc/localtime")),
            ("hard", .bool(false)), ("target", .string("../usr/share/zoneinfo/Europe/Paris")),
        ])]))
    }

    @Test func flatcarGetsNetworkdUnits() throws {
        let c = try config(minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: flatcar\n")
            .replacingOccurrences(of: "network: lan,", with: "network: lan, name: lan0,"))
        let f = files(c)
        #expect(f.keys.sorted() == ["/etc/hostname", "/etc/systemd/network/00-lan0.network", "/etc/systemd/network/10-lan0.link"])
        #expect(f["/etc/systemd/network/00-lan0.network"]?.1 == 0o644)
        #expect(f["/etc/systemd/network/10-lan0.link"]?.0 == "[Match]\nMACAddress=52:54:00:00:01:21\n\n[Link]\nName=lan0\n")
    }

    @Test func otherUsersGetTheGroupsOfCore() throws {
        func groups(os: String, user: String) throws -> JSONValue? {
            let c = try config(minimalSite.replacingOccurrences(of: "  os: fcos\n", with: "  os: \(os)\n  user: \(user)\n"))
            guard case .array(let users)? = c["passwd"]?["users"] else { Issue.record("no users"); return nil }
            return users[0]["groups"]
        }
        #expect(try groups(os: "fcos", user: "ops") == .array(["adm", "sudo", "systemd-journal", "wheel"].map(JSONValue.string)))
        #expect(try groups(os: "flatcar", user: "ops") == .array(["docker", "sudo", "systemd-journal", "wheel"].map(JSONValue.string)))
        // Neither the distribution's own user nor root is put in groups.
        #expect(try groups(os: "fcos", user: "core") == nil)
        #expect(try groups(os: "flatcar", user: "root") == nil)
        #expect(try groups(os: "fcos", user: "root") == nil)
    }

    @Test func compactOutputIsOneLine() throws {
        let site = try compile(minimalSite)
        let bytes = IgnitionBackend.files(for: site, style: .compact)[0].contents
        #expect(bytes.filter { $0 == 0x0A }.count == 1)
        #expect(bytes.last == 0x0A)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"ignition":{"version":"3.4.0"},"passwd":"#))
    }
}

@Suite struct EncodingTests {
    @Test func dataURLPicksTheShorterForm() {
        #expect(DataURL.encode(Array("node1\n".utf8)) == "data:,node1%0A")
        // butane's escaping (RFC 2396 unreserved kept), checked against butane v0.29.0.
        #expect(DataURL.encode(Array("it's (fine)! *ok*~\n".utf8)) == "data:,it's%20(fine)!%20*ok*~%0A")
        #expect(DataURL.encode(Array("a=b;c,d/e:f@g?h&i$j+k~l\n".utf8)) == "data:;base64,YT1iO2MsZC9lOmZAZz9oJmkkaitrfmwK")
        // A tie keeps the readable form; binary data is shorter in base64.
        #expect(DataURL.encode(Array("[x] #%\"".utf8)) == "data:,%5Bx%5D%20%23%25%22")
        #expect(DataURL.encode([UInt8](repeating: 0xff, count: 6)) == "data:;base64,////////")
        #expect(DataURL.encode([]) == "data:,")
    }

    @Test func base64RoundTrips() {
        for text in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let encoded = Base64.encode(Array(text.utf8))
            #expect(Base64.decode(encoded) == Array(text.utf8))
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.decode("Zm9=YmFy") == nil)
        #expect(Base64.decode("Zm9") == nil)
        #expect(Base64.decode("Zm9v!mFy") == nil)
    }

    /// RFC 9562's example: uuid5(DNS, "www.example.com").
    @Test func nameUUIDMatchesTheRFC() {
        let dns: [UInt8] = [0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        #expect(NameUUID.string(NameUUID.v5(namespace: dns, name: "www.example.com")) == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
    }

    @Test func jsonStringsAreEscaped() {
        let bytes = JanssonWriter.render(.object([("k", .string("a\"b\\c\nü\u{1}")), ("e", .string(""))]), style: .compact)
        #expect(String(decoding: bytes, as: UTF8.self) == "{\"k\":\"a\\\"b\\\\c\\nü\\u0001\",\"e\":\"\"}\n")
    }
}

@Suite struct AddressTests {
    @Test func ipv4Parsing() {
        #expect(IPv4Address("192.168.1.1")?.value == 0xC0A8_0101)
        for bad in ["192.168.1", "192.168.1.256", "192.168.01.1", "1.2.3.4.5", "a.b.c.d", "", "1..2.3", " 1.2.3.4"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
    }

    @Test func networks() throws {
        let net = try IPv4Network.parse("10.118.10.0/24").get()
        #expect(net.broadcast.description == "10.118.10.255")
        #expect(net.netmask.description == "255.255.255.0")
        #expect(net.contains(IPv4Address("10.118.10.77")!))
        #expect(!net.contains(IPv4Address("10.118.11.1")!))
        #expect(try IPv4Network.parse("0.0.0.0/0").get().size == 1 << 32)
        #expect(IPv4Network.parse("10.0.0.0/33") == .failure(.malformed))
        #expect(IPv4Network.parse("10.0.0.0") == .failure(.malformed))
        #expect(try IPv4Network.parse("10.0.0.0/8").get().overlaps(IPv4Network.parse("10.5.0.0/16").get()))
    }

    @Test func macSpellings() {
        #expect(MACAddress.parse("AA-bb-CC-00-11-22").map(\.description) == .success("aa:bb:cc:00:11:22"))
        #expect(MACAddress.parse("aabb.cc00.1122").map(\.description) == .success("aa:bb:cc:00:11:22"))
        #expect(MACAddress.parse("aa:bb:cc:00:11") == .failure(.malformed))
        #expect(MACAddress.parse("aa:bb:cc-00:11:22") == .failure(.malformed))
        #expect(MACAddress.parse("aabbcc001122") == .failure(.malformed))
        #expect(MACAddress.parse("ff:ff:ff:ff:ff:ff") == .failure(.multicast))
        #expect(MACAddress.parse("0000.0000.0000") == .failure(.allZero))
    }
}
