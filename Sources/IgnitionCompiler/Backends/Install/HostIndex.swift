/// `install/hosts.json`: the index `igncc serve` reads to answer a MAC with its host's files.
/// Hosts and networks in site order, keys in a fixed order, one host or network a line:
///
///     {"site":"lacave","base_url":"http://elrond.lacave.info:8080","hosts":[
///     {"name":"kube01","os":"fcos","macs":["52:54:00:00:01:21"],"ignition":"ignition/kube01.ign","ipxe":"install/ipxe/kube01.ipxe","script":"install/kube01.sh"},
///     {"name":"kube04","os":"flatcar",…}
///     ],"networks":[
///     {"name":"lan","cidr":"192.168.1.0/24"}
///     ]}
///
/// `base_url`, `ipxe` and `script` are left out when the site has no `serve.base_url`. Paths are
/// relative to the output directory.
enum HostIndex {
    static func hostObject(_ host: InstallPlan.HostPlan) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("name", .string(host.name)),
            ("os", .string(host.os.rawValue)),
            ("macs", .array(host.macs.map(JSONValue.string))),
            ("ignition", .string(host.ignitionPath)),
        ]
        if host.served != nil {
            pairs += [("ipxe", .string(host.ipxePath)), ("script", .string(host.scriptPath))]
        }
        return .object(pairs)
    }

    static func render(_ plan: InstallPlan) -> String {
        var head: [(String, JSONValue)] = [("site", .string(plan.site))]
        if let url = plan.baseURL { head.append(("base_url", .string(url))) }
        // The head without its closing brace, then the two lists one item a line.
        var text = String(compact(.object(head)).dropLast()) + ",\"hosts\":["
        text += lines(plan.hosts.map(hostObject))
        text += "],\"networks\":["
        text += lines(plan.networks.map { .object([("name", .string($0.name)), ("cidr", .string($0.cidr))]) })
        return text + "]}\n"
    }

    private static func lines(_ items: [JSONValue]) -> String {
        items.isEmpty ? "" : "\n" + items.map(compact).joined(separator: ",\n") + "\n"
    }

    /// One value as compact JSON, without the writer's newline.
    private static func compact(_ value: JSONValue) -> String {
        String(decoding: JanssonWriter.render(value, style: .compact).dropLast(), as: UTF8.self)
    }
}
