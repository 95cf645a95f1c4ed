#!/usr/bin/env bash
# Build nixpos_<version>_<arch>.deb from the PyInstaller bundle (dist/nixpos).
#
#     packaging/linux/build-deb.sh [BUNDLE_DIR] [OUT_DIR]
#
# Installs the bundle under /opt/nixpos, puts nixpos and nixpos-server on the PATH,
# adds a systemd unit for the server (user nixpos, data in /var/lib/nixpos), a menu
# entry, and an autostart entry that kiosk tills copy for their user. Upgrading and
# removing the package never touch /var/lib/nixpos (the database and server secret).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bundle=$(cd "${1:-$here/../../dist/nixpos}" && pwd)
out=$(mkdir -p "${2:-$here/../../dist}" && cd "${2:-$here/../../dist}" && pwd)
[ -x "$bundle/nixpos" ] && [ -x "$bundle/nixpos-server" ] || {
    echo "build-deb: no bundle in $bundle; build it first: pyinstaller nixpos.spec" >&2; exit 2; }
version=$(cat "$bundle/VERSION")
arch=$(dpkg --print-architecture)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

install -d "$root/opt" "$root/usr/bin" "$root/lib/systemd/system" \
    "$root/usr/share/applications" "$root/usr/share/nixpos" "$root/usr/share/doc/nixpos" \
    "$root/DEBIAN"
cp -a "$bundle" "$root/opt/nixpos"
ln -s /opt/nixpos/nixpos "$root/usr/bin/nixpos"
ln -s /opt/nixpos/nixpos-server "$root/usr/bin/nixpos-server"
install -m 0644 "$here/nixpos-server.service" "$root/lib/systemd/system/"
install -m 0644 "$here/nixpos.desktop" "$root/usr/share/applications/"
install -m 0644 "$here/nixpos-kiosk.desktop" "$root/usr/share/nixpos/"
install -m 0644 "$here/till.env" "$root/usr/share/nixpos/"
install -m 0644 "$here/../../docs/deploy.md" "$root/usr/share/doc/nixpos/"
for script in postinst prerm postrm; do
    install -m 0755 "$here/$script" "$root/DEBIAN/"
done
size=$(du -sk "$root/opt" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: nixpos
Version: $version
Architecture: $arch
Maintainer: nixpos team <it@nixpos.example>
Installed-Size: $size
Depends: libc6, libegl1, libgl1, libfontconfig1, libx11-xcb1, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xfixes0, libxcb-xkb1, adduser
Recommends: gnome-keyring
Section: misc
Priority: optional
Homepage: https://nixpos.example
Description: nixpos point-of-sale tills and their session server
 nixpos is the till program (PIN keypad, idle lock, kick banner, manager
 override) and nixpos-server, the server that owns who is signed in where,
 with its back office on the web.
CONTROL
deb="$out/nixpos_${version}_${arch}.deb"
# gzip: a few times faster to build than the default xz, for a package that is mostly
# already-compressed libraries (CI builds it on a busy two-core machine).
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "$deb"
