# Copies the manager's console (server/console/) beside fieldbook-server, with ECharts from node_modules
# (installed by scripts/setup with `npm ci`) when it is there. Run at build time:
#   cmake -DSRC=<repo>/server/console -DNODE_MODULES=<repo>/node_modules -DDST=<build>/server/console -P
file(REMOVE_RECURSE "${DST}")
file(COPY "${SRC}/" DESTINATION "${DST}")
set(echarts "${NODE_MODULES}/echarts/dist/echarts.esm.min.js")
if(EXISTS "${echarts}")
  file(MAKE_DIRECTORY "${DST}/vendor")
  file(COPY_FILE "${echarts}" "${DST}/vendor/echarts.esm.min.js")
else()
  message(WARNING "console: ${echarts} is missing (run scripts/setup, which runs npm ci); the "
                  "dashboard shows its tables without charts")
endif()
