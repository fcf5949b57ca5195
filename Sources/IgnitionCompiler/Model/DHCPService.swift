/// `networks.<name>.dhcp`: what a DHCP server on that network hands out. A reservation for every
/// static NIC address on the network; with `range`, a pool for the others; with `pxe`, PXE firmware
/// is given iPXE over TFTP and iPXE is given `<serve.base_url>/boot.ipxe`.
public struct DHCPService: Sendable {
    /// The pool, first and last address included; nil serves the reservations only.
    public var range: Range?
    /// nil means `defaultLease`.
    public var lease: Located<LeaseTime>?
    /// nil means true.
    public var pxe: Located<Bool>?
    /// The TFTP server PXE firmware fetches iPXE from (`siaddr`, Kea's `next-server`); nil means
    /// the DHCP server itself (dnsmasq's own TFTP; Kea has none and needs one named).
    public var nextServer: Located<IPv4Address>?
    /// dnsmasq's TFTP root; nil means `defaultTFTPRoot`.
    public var tftpRoot: Located<String>?
    /// Where the `dhcp` key is.
    public var location: SourceLocation

    public struct Range: Sendable {
        public var first: Located<IPv4Address>
        public var last: Located<IPv4Address>
        /// Where the range (the list) is.
        public var location: SourceLocation

        public func contains(_ address: IPv4Address) -> Bool { first.value <= address && address <= last.value }
    }

    /// dnsmasq's own default lease time (one hour), so that both servers agree when none is given.
    public static let defaultLease = LeaseTime.seconds(3600)
    /// Where Debian's `ipxe` package puts `undionly.kpxe` and `ipxe.efi`.
    public static let defaultTFTPRoot = "/usr/lib/ipxe"
    /// iPXE for BIOS PXE firmware (client architecture 0), and for x86-64 UEFI (7 and 9).
    public static let biosBootFile = "undionly.kpxe"
    public static let uefiBootFile = "ipxe.efi"

    public var servesPXE: Bool { pxe?.value ?? true }
    public var effectiveLease: LeaseTime { lease?.value ?? Self.defaultLease }
    public var effectiveTFTPRoot: String { tftpRoot?.value ?? Self.defaultTFTPRoot }
}

/// A DHCP lease time: `30m`, `1h`, `12h`, `7d`, `1w`, plain seconds, or `infinite`.
public enum LeaseTime: Sendable, Equatable {
    case seconds(Int)
    case infinite

    /// dnsmasq raises anything shorter to two minutes (some clients misbehave below it).
    public static let minimumSeconds = 120
    /// dnsmasq reads the number with atoi() and multiplies it in an int: beyond this it overflows.
    public static let maximumSeconds = Int(Int32.max)

    static let units: [(suffix: Character, seconds: Int)] = [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// Parses `text`; nil when it is not a lease time at all.
    public static func parse(_ text: String) -> LeaseTime? {
        if text == "infinite" { return .infinite }
        var digits = Substring(text), factor = 1
        if let last = text.last, let unit = units.first(where: { $0.suffix == last }) {
            digits = digits.dropLast()
            factor = unit.seconds
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Past 64 bits it is as much too long as just past the maximum.
        guard let number = Int(digits) else { return .seconds(Int.max) }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: factor)
        return .seconds(overflow ? Int.max : seconds)
    }

    /// The largest unit that divides the time exactly (`12h`, `90m`, `7d`), as dnsmasq reads it.
    public var text: String {
        switch self {
        case .infinite: return "infinite"
        case .seconds(let s):
            let unit = Self.units.first { s % $0.seconds == 0 } ?? ("s", 1)
            return unit.suffix == "s" ? String(s) : "\(s / unit.seconds)\(unit.suffix)"
        }
    }
}
