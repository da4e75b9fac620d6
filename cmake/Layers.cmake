# Folders are layers: core (the vocabulary) <- analysis (what reads finished histograms and
# timelines) <- clients, servers (the peers) <- harness (plan, loop, truth pairing) <- cli.
# h2race_layer() builds one static library per layer and gives it an include root that holds
# links to exactly the folders it may see (its own and those below), so an #include that goes
# the wrong way ("core/x.cc" including "clients/y.h") fails to compile with "No such file".
function(h2race_include_root name)
  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root})
  foreach(dir ${ARGN})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${dir} ${root}/${dir} SYMBOLIC)
  endforeach()
  set(H2RACE_ROOT_${name} ${root} PARENT_SCOPE)
endfunction()

# h2race_layer(<target> SEES <folders...> SOURCES <files...> LINKS <libraries...>)
function(h2race_layer target)
  cmake_parse_arguments(L "" "" "SEES;SOURCES;LINKS" ${ARGN})
  h2race_include_root(${target} ${L_SEES})
  add_library(${target} STATIC ${L_SOURCES})
  target_include_directories(${target} PRIVATE ${H2RACE_ROOT_${target}})
  target_link_libraries(${target} PUBLIC ${L_LINKS})
endfunction()

# Programs above every layer (tests, fuzzers, benchmarks) see all of them.
function(h2race_sees_all target)
  target_include_directories(${target} PRIVATE ${CMAKE_BINARY_DIR}/layers/all)
endfunction()
