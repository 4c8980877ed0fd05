<?php
// Install a fresh WordPress into the run's database and print one JSON line with an
// administrator's application password (tests/e2e/wordpress.sh serve, before the server starts).
// Usage: WORDPRESS_CONFIG=<name> php install.php <site url>
$site = $argv[1];
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG');
$_SERVER['HTTP_HOST'] = parse_url($site, PHP_URL_HOST) . ':' . parse_url($site, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
// No mail leaves a test site (wp_install sends the new-site email; sendmail may be absent).
function wp_mail() { return true; }
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$admin = 'e2e-admin';
wp_install('letmepost e2e', $admin, 'e2e@example.com', false, '', wp_generate_password(24));
update_option('permalink_structure', '/%postname%/');
flush_rewrite_rules();
$user = get_user_by('login', $admin);
// WordPress offers application passwords over plain http only when WP_ENVIRONMENT_TYPE is local.
if (!wp_is_application_passwords_available_for_user($user)) {
    fwrite(STDERR, "application passwords are not available\n");
    exit(1);
}
[$password] = WP_Application_Passwords::create_new_application_password(
    $user->ID,
    ['name' => 'letmepost e2e']
);
echo json_encode([
    'url' => $site,
    'username' => $admin,
    'applicationPassword' => $password,
    'version' => get_bloginfo('version'),
]), "\n";
