import Foundation
import IgnitionCompiler

/// `install/hosts.json`, written by the `install` target: which host owns which MACs and where its
/// files are.
struct ServeIndex: Decodable, Sendable {
    static let path = "install/hosts.json"

    struct Host: Decodable, Sendable {
        var name: String
        var os: String
        var macs: [String]
        var ignition: String
        var ipxe: String?
        var script: String?
    }

    struct Network: Decodable, Sendable {
        var name: String
        var cidr: String
    }

    var site: String
    var base_url: String?
    var hosts: [Host]
    var networks: [Network]

    /// Hosts by the 12 lowercase hex digits of each of their MACs.
    private(set) var byMAC: [String: Int] = [:]

    enum CodingKeys: String, CodingKey { case site, base_url, hosts, networks }

    static func decode(_ bytes: [UInt8]) throws -> ServeIndex {
        var index = try JSONDecoder().decode(ServeIndex.self, from: Data(bytes))
        for (i, host) in index.hosts.enumerated() {
            for mac in host.macs {
                if let key = Self.normalize(mac) { index.byMAC[key] = i }
            }
        }
        return index
    }

    func host(mac: String) -> Host? {
        Self.normalize(mac).flatMap { byMAC[$0] }.map { hosts[$0] }
    }

    /// A MAC in any spelling (`52:54:00:00:01:21`, `52-54-00-00-01-21`, `5254.0000.0121`,
    /// `525400000121`, any case) as 12 lowercase hex digits, or nil.
    static func normalize(_ text: String) -> String? {
        let digits = text.lowercased().filter { $0 != ":" && $0 != "-" && $0 != "." }
        guard digits.count == 12, digits.allSatisfy(\.isHexDigit) else { return nil }
        let separators = text.filter { $0 == ":" || $0 == "-" || $0 == "." }
        guard separators.isEmpty || MACAddress.parseAny(text) != nil else { return nil }
        return digits
    }

    /// The network whose CIDR holds `address`, for the stub printed for an unknown machine.
    func network(containing address: String) -> String? {
        guard let ip = IPv4Address(address) else { return nil }
        return networks.first { network in
            if case .success(let cidr) = IPv4Network.parse(network.cidr) { return cidr.contains(ip) }
            return false
        }?.name
    }
}

extension MACAddress {
    /// Like `parse`, but also accepts multicast and all-zero addresses (a client may say anything).
    static func parseAny(_ text: String) -> [UInt8]? {
        switch parse(text) {
        case .success(let mac): return mac.bytes
        case .failure(.malformed): return nil
        case .failure: return [0]
        }
    }
}
