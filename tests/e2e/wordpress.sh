#!/usr/bin/env bash
# Debian's WordPress (package `wordpress`, PHP's built-in server) on loopback, for
# tests/e2e/test_wordpress.py.
#
#   tests/e2e/wordpress.sh serve PORT DATA    create database lmp_wp_PORT on the local MariaDB,
#                                             write /etc/wordpress/config-letmepost-e2e-PORT.php,
#                                             install WordPress, print one JSON line (url, username,
#                                             applicationPassword, version), then serve in the
#                                             foreground on 127.0.0.1:PORT with uploads in DATA
#   tests/e2e/wordpress.sh clean PORT         drop that database and config file
#
# MariaDB is reached as MYSQL_USER (default root, empty password) on 127.0.0.1:3306
# (MYSQL_HOST, MYSQL_PASSWORD). The config sets WP_ENVIRONMENT_TYPE=local: WordPress offers
# application passwords over plain http only then.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/wordpress
db_host=${MYSQL_HOST:-127.0.0.1:3306}
db_user=${MYSQL_USER:-root}
db_password=${MYSQL_PASSWORD:-}

sql() {
  mysql -h "${db_host%:*}" -P "${db_host##*:}" -u "$db_user" ${db_password:+-p"$db_password"} -e "$1"
}

serve() {
  local port=$1 data=$2
  local name=letmepost-e2e-$port db=lmp_wp_$port url=http://127.0.0.1:$port
  mkdir -p "$data/wp-content/uploads"
  sql "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\` CHARACTER SET utf8mb4"
  cat >"/etc/wordpress/config-$name.php" <<PHP
<?php
define('DB_NAME', '$db');
define('DB_USER', '$db_user');
define('DB_PASSWORD', '$db_password');
define('DB_HOST', '$db_host');
define('WP_HOME', '$url');
define('WP_SITEURL', '$url');
define('WP_CONTENT_DIR', '$data/wp-content');
define('WP_CONTENT_URL', '$url/wp-content');
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
PHP
  export WORDPRESS_CONFIG=$name WORDPRESS_CONTENT_DIR=$data/wp-content
  php "$here/install.php" "$url"
  exec php -S "127.0.0.1:$port" -t /usr/share/wordpress "$here/router.php"
}

clean() {
  local port=$1
  sql "DROP DATABASE IF EXISTS \`lmp_wp_$port\`"
  rm -f "/etc/wordpress/config-letmepost-e2e-$port.php"
}

case "${1:-}" in
  serve) serve "${2:?serve PORT DATA}" "${3:?serve PORT DATA}" ;;
  clean) clean "${2:?clean PORT}" ;;
  *)
    sed -n '2,15p' "$0" >&2
    exit 2
    ;;
esac
