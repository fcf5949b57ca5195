/// Ignition's config merge (what `ignition.config.merge` does, and what butane uses to lay a
/// user's config over the one its sugar generated): the child wins field by field; keyed lists
/// merge entry by entry (files by path, units by name, partitions by number or label, …), keeping
/// the parent's order and appending the child's new entries; a few lists are plain concatenations.
package enum ConfigMerger {
    /// Called for each keyed entry or scalar field the child overrides: (parent node, child node, path).
    package typealias Observer = (_ parent: ConfigNode, _ child: ConfigNode, _ path: [String]) -> Void

    package static func merge(_ parent: ConfigNode, _ child: ConfigNode, version: IgnitionSpecVersion,
                              observer: Observer? = nil) -> ConfigNode {
        mergeObject(parent, child, type: "Config", version: version, path: [], observer: observer)
    }

    /// The merge key of a list entry, as Ignition's `Key()` methods define it.
    package static func key(of item: ConfigNode, type: ConfigSchema.FieldType) -> String {
        switch type {
        case .object(let name):
            switch name {
            case "Disk", "Filesystem": return item["device"]?.string ?? ""
            case "File", "Directory", "Link": return item["path"]?.string ?? ""
            case "Partition":
                if let number = item["number"]?.int, number != 0 { return "number:\(number)" }
                if let label = item["label"]?.string { return "label:\(label)" }
                return ""
            case "Resource", "ConfigReference", "CaReference", "FileContents": return item["source"]?.string ?? ""
            case "Tang": return item["url"]?.string ?? ""
            default: return item["name"]?.string ?? ""
            }
        case .string: return item.string ?? ""
        case .int: return item.int.map(String.init) ?? ""
        case .bool: return item.bool.map { String($0) } ?? ""
        case .list, .map: return ""
        }
    }

    /// Lists that concatenate instead of merging by key.
    private static func concatenates(_ type: String, _ field: String) -> Bool {
        switch (type, field) {
        case ("File", "append"), ("Filesystem", "options"), ("Filesystem", "mountOptions"),
             ("Luks", "options"), ("Raid", "options"):
            return true
        default:
            return false
        }
    }

    private static func mergeObject(_ parent: ConfigNode, _ child: ConfigNode, type: String, version: IgnitionSpecVersion,
                                    path: [String], observer: Observer?) -> ConfigNode {
        var result = ConfigNode.object(at: child.location ?? parent.location)
        let fields = ConfigSchema.ignitionFields(of: type, version: version)
        var entries: [ConfigEntry] = []
        for field in fields {
            let key = field.json!
            let p = parent[key]
            let c = child[key]
            let keyLocation = child.entries.first { $0.key == key }?.keyLocation
                ?? parent.entries.first { $0.key == key }?.keyLocation
            var merged: ConfigNode?
            switch field.type {
            case .object(let name):
                if let p, let c, !c.entries.isEmpty, !p.entries.isEmpty {
                    merged = mergeObject(p, c, type: name, version: version, path: path + [key], observer: observer)
                } else {
                    merged = (c?.entries.isEmpty ?? true) ? (p ?? c) : c
                }
            case .list(let element):
                let parentItems = p?.items ?? []
                let childItems = c?.items ?? []
                if parentItems.isEmpty && childItems.isEmpty {
                    merged = c ?? p
                } else if concatenates(type, key) {
                    merged = .list(parentItems + childItems, at: c?.location ?? p?.location)
                } else {
                    let items = mergeList(parentItems, childItems, element: element, type: type, field: key,
                                          siblings: (parent, child), version: version, path: path + [key], observer: observer)
                    merged = .list(items, at: c?.location ?? p?.location)
                }
            case .map:
                // No Ignition field is a map (only Butane's `metadata.labels`).
                merged = c ?? p
            case .string, .int, .bool:
                if field.flags.contains(.pointer) {
                    if let c, let p, observer != nil { observer?(p, c, path + [key]) }
                    merged = c ?? p
                } else {
                    // Non-optional fields: the child's value, even when it is the zero value.
                    merged = c ?? (child.isObject ? nil : p)
                }
            }
            if let merged {
                entries.append(ConfigEntry(key: key, keyLocation: keyLocation, node: merged))
            }
        }
        result.value = .object(entries)
        return result
    }

    private static func mergeList(_ parentItems: [ConfigNode], _ childItems: [ConfigNode], element: ConfigSchema.FieldType,
                                  type: String, field: String, siblings: (ConfigNode, ConfigNode),
                                  version: IgnitionSpecVersion, path: [String], observer: Observer?) -> [ConfigNode] {
        // Lists that share one key space: an entry the child has in another list of the same
        // space removes the parent's (a file in the parent, a link at that path in the child:
        // only the link remains; an argument moved from shouldExist to shouldNotExist).
        var otherChildKeys = Set<String>()
        let shared: [String]
        switch type {
        case "KernelArguments": shared = ["shouldExist", "shouldNotExist"]
        case "Storage" where ["files", "directories", "links"].contains(field): shared = ["files", "directories", "links"]
        default: shared = []
        }
        for other in shared where other != field {
            let otherElement: ConfigSchema.FieldType = type == "KernelArguments" ? .string : .object("File")
            for item in siblings.1[other]?.items ?? [] { otherChildKeys.insert(key(of: item, type: otherElement)) }
        }
        var childByKey: [String: Int] = [:]
        for (index, item) in childItems.enumerated() { childByKey[key(of: item, type: element)] = index }
        var parentKeys = Set<String>()
        var result: [ConfigNode] = []
        for item in parentItems {
            let k = key(of: item, type: element)
            parentKeys.insert(k)
            if let index = childByKey[k] {
                let childItem = childItems[index]
                observer?(item, childItem, path + [k])
                if case .object(let name) = element {
                    if name == "HTTPHeader" && childItem["value"] == nil { continue }
                    result.append(mergeObject(item, childItem, type: name, version: version, path: path + [k], observer: nil))
                } else {
                    result.append(childItem)
                }
            } else if otherChildKeys.contains(k) {
                continue
            } else {
                result.append(item)
            }
        }
        for item in childItems where !parentKeys.contains(key(of: item, type: element)) {
            result.append(item)
        }
        return result
    }
}
