# Copies the manager's console (server/console/) beside fieldbook-server, with ECharts and
# qrcode-generator from node_modules (installed by scripts/setup with `npm ci`) when they are there.
# Run at build time:
#   cmake -DSRC=<repo>/server/console -DNODE_MODULES=<repo>/node_modules -DDST=<build>/server/console -P
file(REMOVE_RECURSE "${DST}")
file(COPY "${SRC}/" DESTINATION "${DST}")

# One npm file into vendor/: its path in node_modules, its name in vendor/, and what the console
# does without it.
function(copy_vendor from name without)
  set(path "${NODE_MODULES}/${from}")
  if(EXISTS "${path}")
    file(MAKE_DIRECTORY "${DST}/vendor")
    file(COPY_FILE "${path}" "${DST}/vendor/${name}")
  else()
    message(WARNING "console: ${path} is missing (run scripts/setup, which runs npm ci); ${without}")
  endif()
endfunction()

copy_vendor("echarts/dist/echarts.esm.min.js" "echarts.esm.min.js"
            "the dashboard shows its tables without charts")
copy_vendor("qrcode-generator/dist/qrcode.mjs" "qrcode.mjs"
            "a new device's setup line is shown without its QR code")
