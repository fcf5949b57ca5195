import IgnitionCompiler

/// A domain name as site.yaml writes it, resolved against the site's zone.
///
/// `@` is the zone's apex; a name with a trailing dot is absolute; a name equal to the domain or
/// ending in `.<domain>` is taken as that absolute name (the trailing dot is easy to forget);
/// any other name is relative to the domain.
struct DomainName: Hashable, Comparable, CustomStringConvertible {
    /// Lowercase labels, most specific first, without the root.
    var labels: [String]

    init(labels: [String]) { self.labels = labels }

    init(resolving text: String, in zone: DomainName) {
        if text == "@" {
            self = zone
            return
        }
        var body = text.lowercased()
        if body.hasSuffix(".") {
            body.removeLast()
            self.init(labels: body.isEmpty ? [] : body.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
            return
        }
        let zoneText = zone.text
        if body == zoneText || body.hasSuffix("." + zoneText) {
            self.init(labels: body.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
        } else {
            self.init(labels: body.split(separator: ".", omittingEmptySubsequences: false).map(String.init) + zone.labels)
        }
    }

    /// Without the trailing dot.
    var text: String { labels.joined(separator: ".") }

    /// With the trailing dot, as zone files write absolute names.
    var absolute: String { text + "." }

    var description: String { absolute }

    func isInside(_ zone: DomainName) -> Bool {
        labels.count >= zone.labels.count && Array(labels.suffix(zone.labels.count)) == zone.labels
    }

    /// The name relative to `zone` (`@` for the apex), for owner names in the zone file.
    func relative(to zone: DomainName) -> String {
        labels.count == zone.labels.count ? "@" : labels.prefix(labels.count - zone.labels.count).joined(separator: ".")
    }

    var isWildcard: Bool { labels.first == "*" }

    /// The name without its first label.
    var parent: DomainName { DomainName(labels: Array(labels.dropFirst())) }

    static func < (a: DomainName, b: DomainName) -> Bool { a.text < b.text }

    enum Kind {
        /// Letters, digits and '-' (RFC 1123): owners of A, AAAA and MX records, targets of NS, MX and SRV.
        case host
        /// Also '_' (service labels such as `_sip._tcp`): owners of TXT, SRV and CNAME records.
        case service
    }

    /// Why this name cannot be used as `kind`, or nil. A leading `*` label is allowed when `wildcard` is.
    func problem(as kind: Kind, wildcard: Bool) -> String? {
        if labels.isEmpty { return "is the root" }
        if text.utf8.count > 253 { return "is longer than 253 characters" }
        for (index, label) in labels.enumerated() {
            if label == "*" {
                if index == 0 && wildcard { continue }
                return wildcard ? "has '*' in a label other than the first" : "may not be a wildcard here"
            }
            if label.isEmpty { return "has an empty label" }
            if label.utf8.count > 63 { return "has a label longer than 63 characters ('\(label.prefix(20))…')" }
            let allowed: (Character) -> Bool = { c in
                c.isASCII && (c.isLetter || c.isNumber || c == "-" || (kind == .service && c == "_"))
            }
            if !label.allSatisfy(allowed) {
                return kind == .host ? "may contain only letters, digits and '-' (RFC 1123)"
                    : "may contain only letters, digits, '-' and '_'"
            }
            if label.first == "-" || label.last == "-" { return "has a label that starts or ends with '-'" }
        }
        return nil
    }
}
