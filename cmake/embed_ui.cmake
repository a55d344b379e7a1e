# Builds the web UI with npm (npm ci + vite build) and embeds it into the binary as a generated,
# sorted asset table. Without web/package-lock.json or with -DVISIONARY_EMBED_UI=OFF the table is
# empty and the server says the UI is not built.
option(VISIONARY_EMBED_UI "Build the web UI with npm and embed it in the binary" ON)

set(VISIONARY_UI_ASSETS_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/ui_assets.cpp)
set(ui_dir ${CMAKE_CURRENT_SOURCE_DIR}/web)
set(embed_script ${CMAKE_CURRENT_SOURCE_DIR}/scripts/embed-ui.mjs)
find_program(NODE_EXECUTABLE node REQUIRED)

if(VISIONARY_EMBED_UI AND EXISTS ${ui_dir}/package-lock.json)
  find_program(NPM_EXECUTABLE npm REQUIRED)
  set(ui_dist ${CMAKE_CURRENT_BINARY_DIR}/web-dist)
  file(GLOB_RECURSE ui_sources CONFIGURE_DEPENDS
    ${ui_dir}/src/* ${ui_dir}/public/* ${ui_dir}/index.html ${ui_dir}/*.config.* ${ui_dir}/tsconfig*.json)
  add_custom_command(
    OUTPUT ${ui_dir}/node_modules/.package-lock.json
    COMMAND ${NPM_EXECUTABLE} ci --no-audit --no-fund --loglevel=error
    WORKING_DIRECTORY ${ui_dir}
    DEPENDS ${ui_dir}/package-lock.json ${ui_dir}/package.json
    COMMENT "Installing the web UI's npm packages")
  add_custom_command(
    OUTPUT ${VISIONARY_UI_ASSETS_CPP}
    COMMAND ${NPM_EXECUTABLE} run --silent build -- --outDir ${ui_dist} --emptyOutDir
    COMMAND ${NODE_EXECUTABLE} ${embed_script} ${ui_dist} ${VISIONARY_UI_ASSETS_CPP}
    WORKING_DIRECTORY ${ui_dir}
    DEPENDS ${ui_dir}/node_modules/.package-lock.json ${ui_sources} ${embed_script}
    COMMENT "Building and embedding the web UI")
else()
  add_custom_command(
    OUTPUT ${VISIONARY_UI_ASSETS_CPP}
    COMMAND ${NODE_EXECUTABLE} ${embed_script} --empty ${VISIONARY_UI_ASSETS_CPP}
    DEPENDS ${embed_script}
    COMMENT "Embedding an empty UI table")
endif()
