# Finds Debian's android-libboringssl-dev: headers in /usr/include/android, libraries in
# /usr/lib/<triplet>/android. Defines BoringSSL::ssl and BoringSSL::crypto.
# Searched only in the android folders so that OpenSSL's libssl/libcrypto are never picked up.
include(FindPackageHandleStandardArgs)

find_path(BoringSSL_INCLUDE_DIR openssl/is_boringssl.h
  PATHS /usr/include/android NO_DEFAULT_PATH)
set(_bssl_libdirs /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android /usr/lib/x86_64-linux-gnu/android
                  /usr/lib/aarch64-linux-gnu/android)
find_library(BoringSSL_SSL_LIBRARY NAMES ssl PATHS ${_bssl_libdirs} NO_DEFAULT_PATH)
find_library(BoringSSL_CRYPTO_LIBRARY NAMES crypto PATHS ${_bssl_libdirs} NO_DEFAULT_PATH)

find_package_handle_standard_args(BoringSSL
  REQUIRED_VARS BoringSSL_INCLUDE_DIR BoringSSL_SSL_LIBRARY BoringSSL_CRYPTO_LIBRARY)

if(BoringSSL_FOUND AND NOT TARGET BoringSSL::crypto)
  add_library(BoringSSL::crypto SHARED IMPORTED)
  set_target_properties(BoringSSL::crypto PROPERTIES
    IMPORTED_LOCATION "${BoringSSL_CRYPTO_LIBRARY}"
    IMPORTED_NO_SONAME FALSE
    INTERFACE_INCLUDE_DIRECTORIES "${BoringSSL_INCLUDE_DIR}")
  add_library(BoringSSL::ssl SHARED IMPORTED)
  set_target_properties(BoringSSL::ssl PROPERTIES
    IMPORTED_LOCATION "${BoringSSL_SSL_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${BoringSSL_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES BoringSSL::crypto)
endif()
mark_as_advanced(BoringSSL_INCLUDE_DIR BoringSSL_SSL_LIBRARY BoringSSL_CRYPTO_LIBRARY)
