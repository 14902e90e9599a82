# Run by ctest (tests/cost/CMakeLists.txt): COST of every entry tests/cost/COST names.
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/COST" fieldbook_cost_lines REGEX "^[0-9]")
foreach(fieldbook_cost_line IN LISTS fieldbook_cost_lines)
  if(fieldbook_cost_line MATCHES "^([0-9.]+)[ \t]+(.+)$")
    set_tests_properties("${CMAKE_MATCH_2}" PROPERTIES COST "${CMAKE_MATCH_1}")
  endif()
endforeach()
