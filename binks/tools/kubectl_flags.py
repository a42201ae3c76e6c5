"""kubectl's command tree and flag arities, generated from the shipped kubectl's ``--help``.

Regenerate after a kubectl upgrade (a test compares this table with the installed kubectl)::

    .venv/bin/python -m tests.tools.kubectl_help > binks/tools/kubectl_flags.py

A flag that takes a value in one command and not in another is in neither set: the
classifier then cannot tell whether the next word is its value and fails closed.
"""

from __future__ import annotations


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Sub-commands of each command path ('' is kubectl itself).
COMMANDS: dict[str, frozenset[str]] = {
    "": _set(
        """
        annotate api-resources api-versions apply attach auth autoscale certificate cluster-info
        completion config cordon cp create debug delete describe diff drain edit events exec explain
        expose get kustomize label logs patch plugin port-forward proxy replace rollout run scale
        set taint top uncordon version wait
        """
    ),
    "apply": _set("edit-last-applied set-last-applied view-last-applied"),
    "auth": _set("can-i reconcile whoami"),
    "certificate": _set("approve deny"),
    "cluster-info": _set("dump"),
    "config": _set(
        """
        current-context delete-cluster delete-context delete-user get-clusters get-contexts
        get-users rename-context set set-cluster set-context set-credentials unset use-context view
        """
    ),
    "create": _set(
        """
        clusterrole clusterrolebinding configmap cronjob deployment ingress job namespace
        poddisruptionbudget priorityclass quota role rolebinding secret service serviceaccount token
        """
    ),
    "create secret": _set("docker-registry generic tls"),
    "create service": _set("clusterip externalname loadbalancer nodeport"),
    "plugin": _set("list"),
    "rollout": _set("history pause restart resume status undo"),
    "set": _set("env image resources selector serviceaccount subject"),
    "top": _set("node pod"),
}

#: Aliases of commands, by full path: 'create deploy' -> 'deployment'.
ALIASES: dict[str, str] = {
    "config use": "use-context",
    "create cj": "cronjob",
    "create cm": "configmap",
    "create deploy": "deployment",
    "create ing": "ingress",
    "create ns": "namespace",
    "create pc": "priorityclass",
    "create pdb": "poddisruptionbudget",
    "create resourcequota": "quota",
    "create sa": "serviceaccount",
    "create svc": "service",
    "set sa": "serviceaccount",
    "top no": "node",
    "top nodes": "node",
    "top po": "pod",
    "top pods": "pod",
}

#: Flags every command accepts, with their arity (kubectl options).
GLOBAL_BOOL_FLAGS = _set(
    """
    disable-compression help insecure-skip-tls-verify match-server-version warnings-as-errors
    """
)
GLOBAL_VALUE_FLAGS = _set(
    """
    as as-group as-uid as-user-extra cache-dir certificate-authority client-certificate client-key
    cluster context kubeconfig log-flush-frequency namespace password profile profile-output
    proxy-url request-timeout server tls-server-name token user username v vmodule
    """
)
GLOBAL_VALUE_SHORTS = _set("n s v")

#: Flags with an optional value: ``--flag`` alone never takes the next word as its value.
OPTIONAL_VALUE_FLAGS = _set("cascade dry-run validate")

#: Long flags that never take a separate value word (``--flag`` alone means true).
BOOL_FLAGS = _set(
    """
    all all-containers all-namespaces all-pods allow-missing-template-keys append-hash
    append-server-path arguments-only as-current-user attach cached client command create-annotation
    current delete-emptydir-data disable-compression disable-eviction disable-filter edit
    embed-certs enable-alpha-plugins enable-helm exec-provide-cluster-info expose flatten follow
    force force-conflicts global-default helm-debug ignore-daemonsets ignore-errors ignore-not-found
    insecure-skip-tls-verify insecure-skip-tls-verify-backend interactive keep-annotations
    keep-init-containers keep-labels keep-liveness keep-readiness keep-startup leave-stdin-open list
    local match-server-version merge minify name-only namespaced network no-headers no-preserve now
    openapi-patch output-patch output-watch-events overwrite previous privileged prune quiet
    recursive remove-extra-permissions remove-extra-subjects replace resolve rm same-node
    save-config server-print server-side set-raw-bytes share-processes show-capacity show-events
    show-kind show-labels show-managed-fields show-secrets show-swap stdin sum timestamps tty
    use-protocol-buffers wait warnings-as-errors watch watch-only windows-line-endings
    """
)

#: Long flags that always take a value (``--flag value`` or ``--flag=value``).
VALUE_FLAGS = _set(
    """
    accept-hosts accept-paths address aggregation-rule annotation annotations api-group api-prefix
    api-version as as-group as-uid as-user-extra audience auth-provider auth-provider-arg
    bound-object-kind bound-object-name bound-object-uid cache-dir categories cert
    certificate-authority chunk-size class client-certificate client-key cluster cluster-ip
    clusterip clusterrole concurrency container context copy-to cpu current-replicas custom
    default-backend description detach-keys docker-email docker-password docker-server
    docker-username duration env exec-api-version exec-arg exec-command exec-env
    exec-interactive-mode external-ip external-name field-manager field-selector filename for from
    from-env-file from-file from-literal grace-period group hard helm-api-versions helm-command
    helm-kube-version image image-pull-policy keepalive key keys kubeconfig kustomize label-columns
    labels limit-bytes limits load-balancer-ip load-restrictor log-flush-frequency max max-depth
    max-log-requests max-unavailable memory min min-available mount name namespace namespaces
    network-name node-port non-resource-url output output-directory override-type overrides password
    patch patch-file pod-running-timeout pod-selector port preemption-policy profile profile-output
    protocol proxy-url prune-allowlist reject-methods reject-paths replicas request-timeout requests
    resource resource-name resource-version restart retries revision role rule schedule scopes
    selector server serviceaccount session-affinity set-image since since-time
    skip-wait-for-delete-timeout sort-by subresource tail target target-port tcp template timeout
    tls-server-name to-revision token type types unix-socket user username v value verb verbs
    vmodule www www-prefix
    """
)

#: Shorthands that never take a value.
BOOL_SHORTS = _set("A R i q t")

#: Shorthands that take a value (the rest of the word, or the next word).
VALUE_SHORTS = _set("L P c e k l n o r s u v")

#: Flags an intermediate command knows without a value (``help``/``-h`` aside), by path.
#: Cobra picks the sub-command as the first word not taken as a flag's value, so this
#: decides which word is the sub-command: any other flag takes the next word.
PARENT_NOOPT_FLAGS: dict[str, frozenset[str]] = {
    "apply": _set(
        """
        -R all allow-missing-template-keys cascade dry-run force force-conflicts openapi-patch
        overwrite prune recursive server-side show-managed-fields validate wait
        """
    ),
    "auth": _set(""),
    "certificate": _set(""),
    "cluster-info": _set(""),
    "config": _set(""),
    "create": _set(
        """
        -R allow-missing-template-keys dry-run edit recursive save-config show-managed-fields
        validate windows-line-endings
        """
    ),
    "create secret": _set(""),
    "create service": _set(""),
    "plugin": _set(""),
    "rollout": _set(""),
    "set": _set(""),
    "top": _set(""),
}

#: Flags whose arity depends on the command ('-f' is --filename, but --follow in logs).
PER_COMMAND_ARITY: dict[str, dict[str, str]] = {
    "--containers": {"set env": "value", "set resources": "value", "top pod": "bool"},
    "--prefix": {"logs": "bool", "set env": "value"},
    "--raw": {
        "config view": "bool",
        "create": "value",
        "delete": "value",
        "get": "value",
        "replace": "value",
    },
    "-f": {
        "annotate": "value",
        "apply": "value",
        "apply edit-last-applied": "value",
        "apply set-last-applied": "value",
        "apply view-last-applied": "value",
        "auth reconcile": "value",
        "autoscale": "value",
        "certificate approve": "value",
        "certificate deny": "value",
        "create": "value",
        "debug": "value",
        "delete": "value",
        "describe": "value",
        "diff": "value",
        "edit": "value",
        "exec": "value",
        "expose": "value",
        "get": "value",
        "label": "value",
        "logs": "bool",
        "patch": "value",
        "replace": "value",
        "rollout history": "value",
        "rollout pause": "value",
        "rollout restart": "value",
        "rollout resume": "value",
        "rollout status": "value",
        "rollout undo": "value",
        "scale": "value",
        "set env": "value",
        "set image": "value",
        "set resources": "value",
        "set selector": "value",
        "set serviceaccount": "value",
        "set subject": "value",
        "wait": "value",
    },
    "-p": {"logs": "bool", "patch": "value", "proxy": "value"},
    "-w": {"events": "bool", "get": "bool", "proxy": "value", "rollout status": "bool"},
}

#: Command paths that accept ``--dry-run``.
DRY_RUN_COMMANDS = frozenset(
    (
        "annotate",
        "apply",
        "apply set-last-applied",
        "auth reconcile",
        "autoscale",
        "cordon",
        "create",
        "create clusterrole",
        "create clusterrolebinding",
        "create configmap",
        "create cronjob",
        "create deployment",
        "create ingress",
        "create job",
        "create namespace",
        "create poddisruptionbudget",
        "create priorityclass",
        "create quota",
        "create role",
        "create rolebinding",
        "create secret docker-registry",
        "create secret generic",
        "create secret tls",
        "create service clusterip",
        "create service externalname",
        "create service loadbalancer",
        "create service nodeport",
        "create serviceaccount",
        "delete",
        "drain",
        "expose",
        "label",
        "patch",
        "replace",
        "rollout undo",
        "run",
        "scale",
        "set env",
        "set image",
        "set resources",
        "set selector",
        "set serviceaccount",
        "set subject",
        "taint",
        "uncordon",
    )
)
