extension SiteDecoder {
    static let dhcpKeys = ["range", "lease", "pxe", "next_server", "tftp_root"]

    /// `networks.<name>.dhcp`: a mapping of `dhcpKeys`; `dhcp: {}` (or an empty `dhcp:`) serves
    /// the reservations with every default. How each value fits the site is `SiteValidator`'s.
    mutating func decodeDHCP(_ node: YAMLNode, key: Located<String>, network: String) -> DHCPService? {
        var service = DHCPService(location: key.location)
        // `dhcp:` with nothing after it asks for the service with its defaults, as `dhcp: {}` does.
        if node.isNull { return service }
        guard let reader = MappingReader(node, what: "'dhcp' of network '\(network)'", allowed: Self.dhcpKeys,
                                         diagnostics: &diagnostics) else { return nil }
        if let rangeNode = reader.value("range"), let items = Scalars.list(rangeNode, field: "range", diagnostics: &diagnostics) {
            if items.count != 2 {
                diagnostics.error("'range' needs exactly two addresses, the first and the last, found \(items.count)",
                                  at: rangeNode.location)
            } else if let first = ipv4Address(items[0], field: "range"), let last = ipv4Address(items[1], field: "range") {
                service.range = DHCPService.Range(first: first, last: last, location: rangeNode.location)
            }
        }
        if let n = reader.value("lease"), let text = Scalars.string(n, field: "lease", diagnostics: &diagnostics) {
            switch LeaseTime.parse(text.value) {
            case nil:
                diagnostics.error("'\(text.value)' is not a lease time; write seconds or a number with 's', 'm', 'h', 'd' or 'w' ('30m', '12h', '7d'), or 'infinite'",
                                  at: text.location)
            case .seconds(let s) where s < LeaseTime.minimumSeconds:
                diagnostics.error("lease time '\(text.value)' is shorter than 2 minutes, which dnsmasq would raise to 2m", at: text.location)
            case .seconds(let s) where s > LeaseTime.maximumSeconds:
                diagnostics.error("lease time '\(text.value)' is longer than \(LeaseTime.maximumSeconds) seconds (about 68 years), more than dnsmasq reads; use 'infinite'",
                                  at: text.location)
            case let lease?:
                service.lease = Located(lease, at: text.location)
            }
        }
        service.pxe = reader.value("pxe").flatMap { Scalars.boolean($0, field: "pxe", diagnostics: &diagnostics) }
        service.nextServer = reader.value("next_server").flatMap { ipv4Address($0, field: "next_server") }
        if let n = reader.value("tftp_root"), let root = Scalars.string(n, field: "tftp_root", diagnostics: &diagnostics) {
            if !root.value.hasPrefix("/") {
                diagnostics.error("'tftp_root' must be an absolute path, found '\(root.value)'", at: root.location)
            } else if let bad = root.value.first(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true || ",#\"'".contains($0) }) {
                // dnsmasq's `tftp-root=DIR[,INTERFACE]`: a comma starts the interface, '#' a comment.
                diagnostics.error("'tftp_root' may not contain \(Self.describe(bad)) (dnsmasq could not read it), found '\(root.value)'",
                                  at: root.location)
            } else {
                service.tftpRoot = root
            }
        }
        return service
    }

    private static func describe(_ c: Character) -> String {
        if c == " " { return "a space" }
        if c.isWhitespace || c.asciiValue.map({ $0 < 0x20 || $0 == 0x7f }) == true { return "a control character" }
        return "'\(c)'"
    }
}
