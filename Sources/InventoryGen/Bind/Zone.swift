import IgnitionCompiler

/// One zone file's content, before rendering: what the serial logic compares and the renderer writes.
struct Zone {
    var origin: DomainName
    /// The file name under `out/bind/`.
    var fileName: String
    var defaultTTL: Int
    var primaryNameserver: DomainName
    /// The SOA RNAME, as a domain name (`hostmaster.example.org.`).
    var mailbox: String
    var nameservers: [DomainName]
    /// Groups of records, each with an optional comment line above it, in output order.
    var sections: [(comment: String?, records: [Record])]
    /// Comment lines at the top of the file.
    var header: [String]

    struct Record {
        var owner: DomainName
        /// Written only when it differs from the zone's `$TTL`.
        var ttl: Int?
        var type: String
        /// Presentation-format data, names absolute.
        var data: String
    }

    /// SOA timers (RFC 1912 §2.2 ranges): retry < refresh < expire.
    static let refresh = 7200
    static let retry = 3600
    static let expire = 1_209_600
    static let negativeTTL = 3600

    func render(serial: UInt32) -> String {
        var out = header.map { "; \($0)\n" }.joined()
        out += "$ORIGIN \(origin.absolute)\n"
        out += "$TTL \(defaultTTL)\n"
        out += "@\tIN\tSOA\t\(primaryNameserver.absolute) \(mailbox) (\n"
        out += "\t\t\t\(serial)\t; serial\n"
        out += "\t\t\t\(Self.refresh)\t\t; refresh\n"
        out += "\t\t\t\(Self.retry)\t\t; retry\n"
        out += "\t\t\t\(Self.expire)\t\t; expire\n"
        out += "\t\t\t\(Self.negativeTTL) )\t\t; negative answers\n"
        for ns in nameservers {
            out += "@\tIN\tNS\t\(ns.absolute)\n"
        }
        for section in sections where !section.records.isEmpty {
            out += "\n"
            if let comment = section.comment { out += "; \(comment)\n" }
            for record in section.records {
                let owner = record.owner.relative(to: origin)
                let ttl = record.ttl.map { "\t\($0)" } ?? ""
                out += "\(owner)\(ttl)\tIN\t\(record.type)\t\(record.data)\n"
            }
        }
        return out
    }

    /// The serial of a zone file this renderer wrote, or nil.
    static func serial(in text: String) -> UInt32? {
        for line in text.split(separator: "\n") where line.hasSuffix("; serial") {
            let digits = line.drop { $0 == "\t" || $0 == " " }.prefix { $0.isNumber }
            return UInt32(digits)
        }
        return nil
    }
}

/// Zone serials (YYYYMMDDnn) in RFC 1982 serial arithmetic.
enum ZoneSerial {
    /// The serial of a zone whose content changed: max(today·100, previous + 1) in serial order.
    static func next(after previous: UInt32?, on date: BuildDate) -> UInt32 {
        let today = UInt32(truncatingIfNeeded: date.number * 100)
        guard let previous else { return today }
        let bumped = previous &+ 1
        return isGreater(today, than: bumped) ? today : bumped
    }

    /// The later of two serials in serial order (the first when they are not ordered).
    static func latest(_ a: UInt32?, _ b: UInt32?) -> UInt32? {
        guard let a else { return b }
        guard let b else { return a }
        return isGreater(b, than: a) ? b : a
    }

    /// RFC 1982 §3.2: s1 > s2 for 32-bit serials. Serials exactly 2^31 apart are not ordered.
    static func isGreater(_ s1: UInt32, than s2: UInt32) -> Bool {
        let half: UInt32 = 1 << 31
        return (s1 < s2 && s2 - s1 > half) || (s1 > s2 && s1 - s2 < half)
    }
}
