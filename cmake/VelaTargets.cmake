# Helpers that give every vela target the same warnings, sanitizers and layout.

function(vela_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(VELA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12 at -O3 (Release) reports libstdc++'s own std::string and std::variant code as overlapping
    # memcpy or maybe-uninitialized (false positives such as GCC bug 105329, gone in GCC 13). They stay warnings
    # in Release builds so a compiler bug cannot break the build; -O2 builds (dev) keep them as errors.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE
        $<$<CONFIG:Release>:-Wno-error=restrict;-Wno-error=stringop-overflow;-Wno-error=array-bounds;-Wno-error=maybe-uninitialized>)
    endif()
  endif()
  if(VELA_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${VELA_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${VELA_SANITIZE})
  endif()
endfunction()

# vela_add_library(<name> <dir> [DEPS targets...] [PRIVATE_DEPS targets...])
# Sources are every .cpp under <dir>/src; public headers live in <dir>/include/vela/<lib>/, private
# headers next to their .cpp. A library without sources yet is an INTERFACE target.
function(vela_add_library name dir)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/src/*.cpp)
  if(sources)
    add_library(${name} STATIC ${sources})
    target_include_directories(${name} PUBLIC ${dir}/include PRIVATE ${dir}/src)
    target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
    vela_target_options(${name})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${dir}/include)
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# vela_add_executable(<name> <sources...> DEPS targets...)
function(vela_add_executable name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  vela_target_options(${name})
endfunction()
