/// The Ignition config spec versions igncc reads and writes.
public enum IgnitionSpecVersion: Int, CaseIterable, Comparable, Sendable {
    case v3_0 = 0, v3_1, v3_2, v3_3, v3_4, v3_5

    public init?(string: String) {
        guard let version = Self.allCases.first(where: { $0.string == string }) else { return nil }
        self = version
    }

    public var string: String { "3.\(rawValue).0" }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// The data model both Ignition JSON and Butane YAML are read against: object types, their
/// fields, and for each field the Ignition versions and Butane base versions that have it.
/// Butane's sugar fields (`inline`, `local`, `with_mount_unit`, `trees`, …) have no JSON name.
package enum ConfigSchema {
    package indirect enum FieldType: Sendable, Equatable {
        case string, int, bool
        case object(String)
        case list(FieldType)

        var description: String {
            switch self {
            case .string: return "a string"
            case .int: return "an integer"
            case .bool: return "a boolean"
            case .object: return "a mapping"
            case .list: return "a list"
            }
        }
    }

    /// A set of Ignition spec versions (bit n = 3.n.0).
    package struct IgnitionVersions: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        static let v30 = Self(rawValue: 1 << 0), v31 = Self(rawValue: 1 << 1), v32 = Self(rawValue: 1 << 2)
        static let v33 = Self(rawValue: 1 << 3), v34 = Self(rawValue: 1 << 4), v35 = Self(rawValue: 1 << 5)

        package func has(_ version: IgnitionSpecVersion) -> Bool { rawValue & (1 << version.rawValue) != 0 }
    }

    /// A set of Butane base schema versions: v0_3 … v0_6 (fcos 1.3–1.6; flatcar 1.0 is v0_4, 1.1 is v0_5).
    package struct ButaneBases: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        static let v03 = Self(rawValue: 1 << 3), v04 = Self(rawValue: 1 << 4)
        static let v05 = Self(rawValue: 1 << 5), v06 = Self(rawValue: 1 << 6)

        package func has(base: Int) -> Bool { rawValue & (1 << base) != 0 }
    }

    package struct Flags: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Written even when empty (no `omitempty` in Ignition's Go types).
        static let required = Flags(rawValue: 1 << 0)
        /// Optional in Ignition's Go types: written whenever set, even to "" or 0.
        static let pointer = Flags(rawValue: 1 << 1)
        /// A Butane field of the `fcos` variant only.
        static let fcosOnly = Flags(rawValue: 1 << 2)
    }

    package struct Field: Sendable {
        package let json: String?
        package let butane: String?
        package let type: FieldType
        package let ignition: IgnitionVersions
        package let bases: ButaneBases
        package let flags: Flags

        init(json: String?, butane: String?, _ type: FieldType, ignition: IgnitionVersions, bases: ButaneBases, flags: Flags) {
            self.json = json
            self.butane = butane
            self.type = type
            self.ignition = ignition
            self.bases = bases
            self.flags = flags
        }

        /// The key this field has in a `ConfigNode` tree: the JSON name, or the Butane name of sugar.
        package var key: String { json ?? butane! }
    }

    package struct ObjectType: Sendable {
        package let name: String
        package let fields: [Field]

        init(_ name: String, _ fields: [Field]) {
            self.name = name
            self.fields = fields
        }
    }

    package static let byName: [String: ObjectType] = Dictionary(uniqueKeysWithValues: objects.map { ($0.name, $0) })

    package static func object(_ name: String) -> ObjectType { byName[name]! }

    /// The fields of `type` in an Ignition config of `version`, in the order Ignition writes them.
    package static func ignitionFields(of type: String, version: IgnitionSpecVersion) -> [Field] {
        fieldsByVersion[version.rawValue][type] ?? []
    }

    /// `ignitionFields` for every type and version, computed once: renderers ask per node.
    private static let fieldsByVersion: [[String: [Field]]] = IgnitionSpecVersion.allCases.map { version in
        byName.mapValues { type in type.fields.filter { $0.json != nil && $0.ignition.has(version) } }
    }
}
