# The desktop app's UI text is one table, app/ui_strings.json: a [name, English, Chinese] entry per
# string, in the order the code lists them. fieldbook_ui_strings() turns it into
# <out_dir>/ui_strings_table.h, the FIELDBOOK_UI_STRINGS(X) macro ui_strings.h builds the Strings
# struct and its tables from, so a name the code uses and the table lacks still fails to compile.
# The configure step stops, naming the entry, when an entry is not three strings, a text is empty
# (no translation) or a name is not a lower-case identifier or is given twice. Editing the JSON
# reconfigures.
function(fieldbook_ui_strings json_path out_dir)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${json_path}")
  file(READ "${json_path}" json)
  string(JSON count LENGTH "${json}")
  math(EXPR last "${count} - 1")
  set(names "")
  set(table "")
  foreach(i RANGE ${last})
    string(JSON fields LENGTH "${json}" ${i})
    string(JSON name GET "${json}" ${i} 0)
    if(NOT fields EQUAL 3)
      message(FATAL_ERROR "${json_path}: entry ${i} (${name}) is not [name, English, Chinese]")
    endif()
    if(NOT name MATCHES "^[a-z][a-z0-9_]*$")
      message(FATAL_ERROR "${json_path}: entry ${i}: '${name}' is not a lower-case identifier")
    endif()
    if(name IN_LIST names)
      message(FATAL_ERROR "${json_path}: entry ${i}: '${name}' is given twice")
    endif()
    list(APPEND names "${name}")
    set(texts "")
    foreach(column 1 2)
      string(JSON text GET "${json}" ${i} ${column})
      if(text STREQUAL "")
        message(FATAL_ERROR "${json_path}: entry ${i} (${name}) has an empty text")
      endif()
      # As a C string literal: the UTF-8 as it is, backslashes and quotes escaped.
      string(REPLACE "\\" "\\\\" text "${text}")
      string(REPLACE "\"" "\\\"" text "${text}")
      string(APPEND texts ", \"${text}\"")
    endforeach()
    string(APPEND table "  X(${name}${texts}) \\\n")
  endforeach()
  file(WRITE "${out_dir}/ui_strings_table.h.new"
    "// Generated from client/app/ui_strings.json by client/app/ui_strings.cmake: edit the JSON.\n"
    "#ifndef FIELDBOOK_CLIENT_APP_UI_STRINGS_TABLE_H_\n"
    "#define FIELDBOOK_CLIENT_APP_UI_STRINGS_TABLE_H_\n\n"
    "// X(name, English, Chinese)\n"
    "#define FIELDBOOK_UI_STRINGS(X) \\\n"
    "${table}\n"
    "#endif  // FIELDBOOK_CLIENT_APP_UI_STRINGS_TABLE_H_\n")
  file(COPY_FILE "${out_dir}/ui_strings_table.h.new" "${out_dir}/ui_strings_table.h"
       ONLY_IF_DIFFERENT)
endfunction()
