/// An IPv4 address, parsed strictly from dotted-quad text (no leading zeros, four octets).
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                  !(part.count > 1 && part.first == "0"),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            v = v << 8 | octet
        }
        value = v
    }

    public var octets: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    public var description: String { octets.map(String.init).joined(separator: ".") }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 network in CIDR notation. The address must be the network address (no host bits).
public struct IPv4Network: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var prefixLength: Int

    public init(address: IPv4Address, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    public enum ParseError: Error, Equatable {
        case malformed
        case hostBitsSet(network: IPv4Network)
    }

    public static func parse(_ text: String) -> Result<IPv4Network, ParseError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])),
              !parts[1].isEmpty, parts[1].count <= 2, parts[1].allSatisfy(\.isASCIIDigit),
              let prefix = Int(parts[1]), prefix <= 32 else { return .failure(.malformed) }
        let network = IPv4Network(address: IPv4Address(address.value & mask(prefix)), prefixLength: prefix)
        return network.address == address ? .success(network) : .failure(.hostBitsSet(network: network))
    }

    static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << (32 - UInt32(prefix)) }

    public var netmask: IPv4Address { IPv4Address(Self.mask(prefixLength)) }
    public var broadcast: IPv4Address { IPv4Address(address.value | ~Self.mask(prefixLength)) }
    public var first: IPv4Address { address }
    public var last: IPv4Address { broadcast }
    /// Number of addresses, as a 64-bit value (a /0 has 2^32).
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    public func contains(_ a: IPv4Address) -> Bool { a.value & Self.mask(prefixLength) == address.value }

    public func overlaps(_ other: IPv4Network) -> Bool {
        contains(other.address) || other.contains(address)
    }

    public var description: String { "\(address)/\(prefixLength)" }
}

/// A unicast Ethernet MAC address, normalized to lowercase with colons.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public enum ParseError: Error, Equatable { case malformed, multicast, allZero }

    /// Accepts `52:54:00:00:01:21`, `52-54-00-00-01-21`, `5254.0000.0121` in any case.
    public static func parse(_ text: String) -> Result<MACAddress, ParseError> {
        let utf8 = Array(text.utf8)
        let colon = UInt8(ascii: ":"), dash = UInt8(ascii: "-"), dot = UInt8(ascii: ".")
        let separator: UInt8
        let groupLength: Int
        if utf8.contains(colon) || utf8.contains(dash) {
            separator = utf8.contains(colon) ? colon : dash
            groupLength = 2
        } else if utf8.contains(dot) {
            separator = dot
            groupLength = 4
        } else {
            return .failure(.malformed)
        }
        let groups = utf8.split(separator: separator, omittingEmptySubsequences: false)
        guard groups.count == (groupLength == 2 ? 6 : 3) else { return .failure(.malformed) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(6)
        for group in groups {
            guard group.count == groupLength else { return .failure(.malformed) }
            var high: UInt8? = nil
            for char in group {
                guard let nibble = Hex.value(char) else { return .failure(.malformed) }
                if let h = high {
                    bytes.append(h << 4 | nibble)
                    high = nil
                } else {
                    high = nibble
                }
            }
        }
        if bytes.allSatisfy({ $0 == 0 }) { return .failure(.allZero) }
        if bytes[0] & 1 == 1 { return .failure(.multicast) }
        return .success(MACAddress(bytes: bytes))
    }

    public var description: String { Hex.encode(bytes, separator: UInt8(ascii: ":"), breaks: { $0 > 0 }) }

    /// The MAC without separators, e.g. `525400000121`.
    public var compact: String { String(description.filter { $0 != ":" }) }

    public static func < (a: MACAddress, b: MACAddress) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
