#!/usr/bin/env bash
# Re-creates static/vendor/ from npm packages (the web assets folium's maps need, served
# by Streamlit at /app/static/vendor/... so a map works without internet).
# Usage: bash static/vendor/fetch.sh   (needs npm and python3; writes only static/vendor/)
# When folium is upgraded, update the versions here, in geo/assets.py (_LOCAL) and in
# static/vendor/README.md together.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

packages=(
  leaflet@1.9.3
  jquery@3.7.1
  bootstrap@5.2.2
  bootstrap@3.4.1
  drmonty-leaflet-awesome-markers@2.0.2
  @fortawesome/fontawesome-free@6.2.0
  leaflet.markercluster@1.1.0
  leaflet-draw@1.0.2
)

cd "$tmp"
for p in "${packages[@]}"; do
  name="${p%@*}"; version="${p##*@}"; dir="${name##*/}-$version"
  tgz="$(npm pack --silent "$p" 2>/dev/null | tail -n1)"
  mkdir -p "$dir" && tar xzf "$tgz" -C "$dir" --strip-components=1
done

out="$here"
# keep README.md and this script, replace everything else
find "$out" -mindepth 1 -maxdepth 1 ! -name README.md ! -name fetch.sh -exec rm -rf {} +

put() {  # put SRC DEST (DEST relative to static/vendor)
  mkdir -p "$(dirname "$out/$2")"
  cp "$tmp/$1" "$out/$2"
}

# Leaflet: the library, its CSS and the images the CSS and L.Icon.Default use.
put leaflet-1.9.3/dist/leaflet.js leaflet-1.9.3/leaflet.js
put leaflet-1.9.3/dist/leaflet.css leaflet-1.9.3/leaflet.css
for img in layers.png layers-2x.png marker-icon.png marker-icon-2x.png marker-shadow.png; do
  put "leaflet-1.9.3/dist/images/$img" "leaflet-1.9.3/images/$img"
done
put leaflet-1.9.3/LICENSE leaflet-1.9.3/LICENSE

put jquery-3.7.1/dist/jquery.min.js jquery-3.7.1/jquery.min.js
put jquery-3.7.1/LICENSE.txt jquery-3.7.1/LICENSE.txt

put bootstrap-5.2.2/dist/js/bootstrap.bundle.min.js bootstrap-5.2.2/js/bootstrap.bundle.min.js
put bootstrap-5.2.2/dist/css/bootstrap.min.css bootstrap-5.2.2/css/bootstrap.min.css
put bootstrap-5.2.2/LICENSE bootstrap-5.2.2/LICENSE

# Leaflet.awesome-markers 2.0.2 (the npm repackaging by drmonty of lvoogdt's release).
put drmonty-leaflet-awesome-markers-2.0.2/js/leaflet.awesome-markers.js \
    leaflet.awesome-markers-2.0.2/leaflet.awesome-markers.js
put drmonty-leaflet-awesome-markers-2.0.2/css/leaflet.awesome-markers.css \
    leaflet.awesome-markers-2.0.2/leaflet.awesome-markers.css
for img in markers-soft.png markers-soft@2x.png markers-shadow.png markers-shadow@2x.png; do
  put "drmonty-leaflet-awesome-markers-2.0.2/css/images/$img" "leaflet.awesome-markers-2.0.2/images/$img"
done

# Font Awesome Free 6.2.0: the CSS and the woff2 fonts (every browser that runs Leaflet 1.9
# takes woff2, the first source listed, so the .ttf fallbacks are left out).
put fontawesome-free-6.2.0/css/all.min.css fontawesome-free-6.2.0/css/all.min.css
for f in fa-brands-400 fa-regular-400 fa-solid-900 fa-v4compatibility; do
  put "fontawesome-free-6.2.0/webfonts/$f.woff2" "fontawesome-free-6.2.0/webfonts/$f.woff2"
done
put fontawesome-free-6.2.0/LICENSE.txt fontawesome-free-6.2.0/LICENSE.txt

put leaflet.markercluster-1.1.0/dist/leaflet.markercluster.js leaflet.markercluster-1.1.0/leaflet.markercluster.js
put leaflet.markercluster-1.1.0/dist/MarkerCluster.css leaflet.markercluster-1.1.0/MarkerCluster.css
put leaflet.markercluster-1.1.0/dist/MarkerCluster.Default.css leaflet.markercluster-1.1.0/MarkerCluster.Default.css
put leaflet.markercluster-1.1.0/MIT-LICENCE.txt leaflet.markercluster-1.1.0/MIT-LICENCE.txt

# Leaflet.draw 1.0.2 (folium.plugins.Draw): script, stylesheet and its toolbar sprites.
put leaflet-draw-1.0.2/dist/leaflet.draw.js leaflet.draw-1.0.2/leaflet.draw.js
put leaflet-draw-1.0.2/dist/leaflet.draw.css leaflet.draw-1.0.2/leaflet.draw.css
for img in layers.png layers-2x.png marker-icon.png marker-icon-2x.png marker-shadow.png spritesheet.png spritesheet-2x.png spritesheet.svg; do
  put "leaflet-draw-1.0.2/dist/images/$img" "leaflet.draw-1.0.2/images/$img"
done

# Glyphicons: folium asks for Bootstrap 3's separate bootstrap-glyphicons.css, which is not
# on npm. The same rules (the @font-face and every .glyphicon* rule) are cut out of
# Bootstrap 3.4.1's dist CSS, pointing at its woff2/woff fonts.
put bootstrap-3.4.1/dist/fonts/glyphicons-halflings-regular.woff2 bootstrap-glyphicons-3.4.1/fonts/glyphicons-halflings-regular.woff2
put bootstrap-3.4.1/dist/fonts/glyphicons-halflings-regular.woff bootstrap-glyphicons-3.4.1/fonts/glyphicons-halflings-regular.woff
put bootstrap-3.4.1/LICENSE bootstrap-glyphicons-3.4.1/LICENSE
python3 - "$tmp/bootstrap-3.4.1/dist/css/bootstrap.css" "$out/bootstrap-glyphicons-3.4.1/css/bootstrap-glyphicons.css" <<'PY'
import re, sys, pathlib
src = pathlib.Path(sys.argv[1]).read_text()
rules = re.findall(r"(?ms)^([^{}@\n][^{}]*)\{([^{}]*)\}", src)
keep = [f"{sel.strip()}{{{body.strip()}}}" for sel, body in rules
        if all(s.strip().startswith(".glyphicon") for s in sel.split(","))]
face = ('@font-face{font-family:"Glyphicons Halflings";'
        'src:url("../fonts/glyphicons-halflings-regular.woff2") format("woff2"),'
        'url("../fonts/glyphicons-halflings-regular.woff") format("woff")}')
head = "/* Glyphicons rules cut from Bootstrap v3.4.1 dist/css/bootstrap.css (MIT, see LICENSE) */\n"
out = pathlib.Path(sys.argv[2]); out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(head + face + "\n" + "\n".join(keep) + "\n")
assert len(keep) > 250, len(keep)
PY

# folium's leaflet.awesome.rotate CSS: one rotate class per degree (generated here).
mkdir -p "$out/leaflet.awesome.rotate"
python3 -c '
import sys
print("/* .fa-rotate-N classes used by folium for rotated awesome-markers icons */")
for n in range(1, 360):
    print(f".fa-rotate-{n}{{-webkit-transform:rotate({n}deg);transform:rotate({n}deg)}}")
' > "$out/leaflet.awesome.rotate/leaflet.awesome.rotate.min.css"

echo "vendored into $out:"
(cd "$out" && find . -type f ! -name README.md ! -name fetch.sh | sort | xargs du -b | awk '{t+=$1; print} END {print t, "bytes total"}')
