<?php
// Router for `php -S` serving Debian's /usr/share/wordpress (tests/e2e/wordpress.sh serve).
// Debian's wp-config.php reads /etc/wordpress/config-$WORDPRESS_CONFIG.php; the built-in server
// does not put the environment in $_SERVER, so the router does. Uploads live in the run's data
// folder (WP_CONTENT_DIR), not under the document root, so the router serves them itself.
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
$root = '/usr/share/wordpress';
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
$content = getenv('WORDPRESS_CONTENT_DIR');
if (str_starts_with($path, '/wp-content/uploads/') && !str_contains($path, '..')) {
    $file = $content . substr($path, strlen('/wp-content'));
    if (!is_file($file)) {
        http_response_code(404);
        return true;
    }
    header('Content-Type: ' . mime_content_type($file));
    readfile($file);
    return true;
}
$file = realpath($root . $path);
if ($file !== false && str_starts_with($file, $root) && is_file($file)) {
    if (!str_ends_with($file, '.php')) {
        return false; // a static file: the built-in server sends it
    }
    chdir(dirname($file));
    require $file;
    return true;
}
chdir($root); // pretty permalinks and /wp-json/: WordPress routes them itself
require $root . '/index.php';
