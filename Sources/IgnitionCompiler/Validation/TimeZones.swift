/// The IANA time zone names a host's `timezone` may take: `/etc/localtime` is a link to
/// `/usr/share/zoneinfo/<name>`, and a name the systems' tzdata lacks leaves a dangling link,
/// on which the node silently runs on UTC. The table is generated from tzdata by
/// `scripts/gen-timezones` (TimeZoneNames.swift).
enum TimeZoneNames {
    private static let set = Set(all)

    static func contains(_ name: String) -> Bool { set.contains(name) }

    /// Why `name` is not a time zone name, with a suggestion when one is close.
    static func problem(_ name: String) -> String? {
        guard !contains(name) else { return nil }
        var message = "'\(name)' is not an IANA time zone name (tzdata \(release)) such as 'Europe/Paris'"
        if let same = all.first(where: { $0.lowercased() == name.lowercased() }) {
            message += "; did you mean '\(same)'?"
        } else if let close = Spelling.suggestion(for: name, among: all) {
            message += "; did you mean '\(close)'?"
        } else if let city = name.split(separator: "/").last.map(String.init),
                  let match = all.first(where: { $0.split(separator: "/").last.map(String.init)?.lowercased() == city.lowercased() }) {
            message += "; did you mean '\(match)'?"
        }
        return message
    }
}
