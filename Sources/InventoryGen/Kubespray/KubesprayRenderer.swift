import IgnitionCompiler

/// Writes a `KubesprayInventory` as Kubespray reads it: an INI inventory and YAML variable files.
enum KubesprayRenderer {
    static func files(for inventory: KubesprayInventory) -> [OutputFile] {
        // The variable files are 0600: `kubernetes.vars`, `kubernetes.all_vars` and the hosts' `vars`
        // land in them, and may carry tokens or passwords. The inventory names hosts and addresses only.
        var files = [
            OutputFile("kubespray/inventory.ini", text: inventoryINI(inventory), mode: 0o644),
            OutputFile("kubespray/group_vars/all/all.yml", text: yaml(inventory.allVariables, of: inventory), mode: 0o600),
            OutputFile("kubespray/group_vars/k8s_cluster/k8s-cluster.yml", text: yaml(inventory.clusterVariables, of: inventory),
                       mode: 0o600),
        ]
        for host in inventory.hosts {
            files.append(OutputFile("kubespray/host_vars/\(host.name).yml", text: yaml(host.variables, of: inventory), mode: 0o600))
        }
        return files
    }

    static func header(_ inventory: KubesprayInventory) -> String {
        "Written by igncc from site '\(inventory.siteName)'. Edit site.yaml and build again rather than this file."
    }

    static func yaml(_ entries: [YAMLEntry], of inventory: KubesprayInventory) -> String {
        YAMLWriter.document(comment: [header(inventory)], entries)
    }

    /// `[all]` with each host's connection variables, the role groups (`calico_rr` even when
    /// empty: Kubespray's playbooks name it), and `k8s_cluster` over the control planes, nodes and
    /// route reflectors (Kubespray's Calico check stops on a reflector outside it).
    static func inventoryINI(_ inventory: KubesprayInventory) -> String {
        var sections: [[String]] = []
        sections.append(["[all]"] + inventory.hosts.map { host in
            var line = host.name
            if let address = host.ansibleHost { line += " ansible_host=\(address)" }
            if let address = host.ip { line += " ip=\(address)" }
            if let member = host.etcdMemberName { line += " etcd_member_name=\(member)" }
            return line
        })
        for group in inventory.groups {
            sections.append(["[\(group.name)]"] + group.hosts)
        }
        sections.append(["[k8s_cluster:children]", "kube_control_plane", "kube_node", "calico_rr"])
        return "# " + header(inventory) + "\n\n" + sections.map { $0.joined(separator: "\n") + "\n" }.joined(separator: "\n")
    }
}
