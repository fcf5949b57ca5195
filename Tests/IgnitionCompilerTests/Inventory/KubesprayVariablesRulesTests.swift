import Testing
@testable import IgnitionCompiler
import InventoryGen

/// site.yaml's Ansible variables in their three places: each read as `kubernetes.vars` is, and
/// none setting what igncc writes for a host that reads it (KubesprayVariables' table).
@Suite struct KubesprayVariablesRulesTests {
    /// minimalSite with a Flatcar worker `node2` (line 19) whose `vars` start at line 24, then
    /// `kubernetes` from line 24 + the number of lines of `hostVars`.
    static func site(hostVars: String, kubernetes: String) -> String {
        minimalSite + """
          node2:
            os: flatcar
            roles: [worker]
            nics: [{mac: 52:54:00:00:01:22, network: lan, address: 192.168.1.22}]
            vars:
        \(hostVars)
        kubernetes:
        \(kubernetes)

        """
    }

    @Test func everyPlaceRefusesWhatIgnccWrites() {
        let yaml = Self.site(hostVars: """
              ansible_host: 10.0.0.22
              bin_dir: /usr/local/bin
              node_taints: [a=b:NoSchedule]
              kube_proxy_mode: iptables
              ansible_user: ops
        """, kubernetes: """
          version: 1.35.4
          vars:
            ansible_python_interpreter: /usr/bin/python3
            kube_version: 1.35.4
          all_vars:
            bin_dir: /opt/bin
            http_proxy: http://proxy:3128
        """)
        #expect(diagnose(yaml) == [
            "site.yaml:24:7: error: 'ansible_host' is written by igncc in inventory.ini from each host's static NIC 'address'; set that instead of 'hosts.node2.vars'",
            "site.yaml:22:60: note: igncc writes 'ansible_host' from this",
            "site.yaml:25:7: error: 'bin_dir' is written by igncc in host_vars from the 'os' of Flatcar hosts; remove it from 'hosts.node2.vars'",
            "site.yaml:20:9: note: igncc writes 'bin_dir' from this",
            "site.yaml:27:7: error: 'kube_proxy_mode' is a cluster-wide setting igncc checks against the site; set it in 'kubernetes.vars', not for one host",
            "site.yaml:28:7: error: 'ansible_user' is written by igncc in group_vars/all and host_vars from the hosts' 'user'; set that instead of 'hosts.node2.vars'",
            "site.yaml:19:3: note: igncc writes 'ansible_user' from this",
            "site.yaml:32:5: error: 'ansible_python_interpreter' is written by igncc in host_vars from each host's 'os'; remove it from 'kubernetes.vars'",
            "site.yaml:33:5: error: 'kube_version' is written by igncc in group_vars/k8s_cluster from 'kubernetes.version'; set that instead of 'kubernetes.vars'",
            "site.yaml:30:12: note: igncc writes 'kube_version' from this",
            "site.yaml:35:5: error: 'bin_dir' is written by igncc in host_vars from the 'os' of Flatcar hosts; remove it from 'kubernetes.all_vars'",
        ])
    }

    /// igncc writes `bin_dir` for Flatcar hosts only: elsewhere it is the user's to set.
    @Test func binDirIsRefusedWhereAFlatcarHostReadsIt() {
        let fcos = Self.site(hostVars: "      bin_dir: /usr/local/bin", kubernetes: "  vars: {bin_dir: /usr/local/bin}\n  all_vars: {bin_dir: /usr/local/bin}")
            .replacingOccurrences(of: "    os: flatcar\n", with: "    os: fcos\n")
        #expect(diagnose(fcos) == [])
        // A dedicated Flatcar etcd host does not read kubernetes.vars (k8s_cluster's), but reads all_vars.
        let etcd = Self.site(hostVars: "      node_taints: []", kubernetes: "  vars: {bin_dir: /usr/local/bin}\n  all_vars: {bin_dir: /usr/local/bin}")
            .replacingOccurrences(of: "    roles: [worker]\n", with: "    roles: [etcd]\n")
            .replacingOccurrences(of: "kubernetes:\n", with: """
              node3:
                roles: [etcd]
                nics: [{mac: 52:54:00:00:01:23, network: lan, address: 192.168.1.23}]
            kubernetes:

            """)
        #expect(diagnose(etcd) == [
            "site.yaml:30:14: error: 'bin_dir' is written by igncc in host_vars from the 'os' of Flatcar hosts; remove it from 'kubernetes.all_vars'",
        ])
    }

    @Test func defaultsHaveNoVars() {
        #expect(diagnose(minimalSite.replacingOccurrences(of: "defaults:\n", with: "defaults:\n  vars: {http_proxy: x}\n")) == [
            "site.yaml:5:3: error: 'vars' is not a default: set variables for every host in 'kubernetes.all_vars' (group_vars/all), for the cluster's nodes in 'kubernetes.vars', and a host's own in its 'vars'",
        ])
    }

    /// all_vars and a host's vars are read as kubernetes.vars is, and name their place.
    @Test func newPlacesAreReadAsVarsIs() {
        let yaml = Self.site(hostVars: """
              9000: x
              nested: {k: 1, k: 2}
              tag: !custom x
        """, kubernetes: """
          all_vars:
            "yes": fine
            true: no
            kube_proxy_mode: ipvss
            secret: !vault plain
        """)
        #expect(diagnose(yaml) == [
            "site.yaml:24:7: error: variable name '9000' in 'hosts.node2.vars' is read by Ansible as an integer; variable names are strings (quote it)",
            "site.yaml:25:22: error: duplicate key 'k' in 'hosts.node2.vars' (Ansible would keep only the last)",
            "site.yaml:25:16: note: 'k' first defined here",
            "site.yaml:26:12: error: tag '!custom' is not passed to Ansible; use '!vault', '!unsafe' or one of YAML's '!!str', '!!int', '!!float', '!!bool', '!!null', '!!seq', '!!map'",
            "site.yaml:30:5: error: variable name 'true' in 'kubernetes.all_vars' is read by Ansible as a boolean; variable names are strings (quote it)",
            "site.yaml:31:5: error: 'ipvss' is not a 'kube_proxy_mode' Kubespray supports; did you mean 'ipvs'?",
            "site.yaml:32:13: error: '!vault' value is not ansible-vault data (it must start with '$ANSIBLE_VAULT;')",
        ])
    }

    /// The cluster's checks read all_vars when kubernetes.vars does not set the variable.
    @Test func allVarsFeedTheClusterChecks() {
        let yaml = KubesprayRulesTests.with("  network_plugin: flannel\n  pods_cidr: 10.240.0.0/24\n  all_vars: {kube_network_node_prefix: 25}\n",
                                            extraHost: true)
        #expect(diagnose(yaml) == [])
        let overridden = KubesprayRulesTests.with(
            "  network_plugin: flannel\n  pods_cidr: 10.240.0.0/24\n  vars: {kube_network_node_prefix: 24}\n  all_vars: {kube_network_node_prefix: 25}\n",
            extraHost: true)
        #expect(diagnose(overridden) == [
            "site.yaml:24:14: error: the pods subnet 10.240.0.0/24 has room for 1 node (blocks of /24, 'kube_network_node_prefix'), but 2 hosts are control planes or workers",
            "site.yaml:25:10: note: 'kube_network_node_prefix' set here",
        ])
    }
}
