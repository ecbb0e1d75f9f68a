/**
 * Labelled training forms transcribed from open-source directory and
 * listing plugins (markup no one here wrote). Each source names the
 * repository, commit and files its field definitions and templates come
 * from; `render-pages.ts` renders them with that plugin's own template
 * markup into static pages under `pages/`, one `data-label` per control
 * (our vocabulary, chosen by hand). Labels and placeholders are the
 * plugins' own strings; translations come from the plugins' .po files.
 * Convention: `tagline` is a one-line slogan ("Tagline", "Briefly describe
 * your company"); a "short description" or excerpt box is `description`
 * (the engine fits the description to the box's length).
 */
import type { FieldType } from "../../core/vocabulary";

/** [our type, label, control, name, id, placeholder, help text, options] */
export type SpecField = [FieldType, string, string, string, string, string?, string?, string[]?];

export interface Source {
  /** group name for cross-validation: one per plugin */
  group: string;
  repo: string;
  commit: string;
  paths: string[];
  style: "wpjm" | "bdp" | "geodir" | "hivepress" | "directorist" | "woocommerce" | "connections";
  /** `raw`: the template's own HTML, its PHP expressions evaluated by hand (for forms written inline, not from field definitions) */
  forms: { title: string; submit: string; fields: SpecField[]; raw?: string }[];
  /** .po files (path in the repo) whose msgstr replace the labels: one page per language */
  translations?: Record<string, string>;
}

export const SOURCES: Source[] = [
  {
    group: "wp-job-manager",
    repo: "Automattic/WP-Job-Manager",
    commit: "d92678f4142a87ee604c8f4a7e5c5ceb27057ea6",
    paths: ["includes/forms/class-wp-job-manager-form-submit-job.php", "templates/job-submit.php", "templates/form-fields/text-field.php", "templates/job-filters.php", "templates/account-signin.php"],
    style: "wpjm",
    forms: [
      {
        title: "Post a job",
        submit: "Preview",
        fields: [
          ["email", "Your email", "email", "create_account_email", "account_email", "you@yourdomain.com"],
          ["unknown", "Job Title", "text", "job_title", "job_title"],
          ["address-level2", "Location", "text", "job_location", "job_location", 'e.g. "London"', "Leave this blank if the location is not important"],
          ["unknown", "Remote Position", "checkbox", "remote_position", "remote_position", "", "Select if this is a remote position."],
          ["unknown", "Job type", "select", "job_type", "job_type", "", "", ["Choose job type…", "Freelance", "Full Time", "Internship", "Part Time", "Temporary"]],
          ["category", "Job category", "select-multiple", "job_category[]", "job_category", "", "", ["Design", "Development", "Marketing", "Sales"]],
          ["description", "Description", "textarea", "job_description", "job_description"],
          ["email", "Application email/URL", "text", "application", "application", "Enter an email address or website URL"],
          ["unknown", "Salary", "text", "job_salary", "job_salary", "e.g. 20000"],
          [
            "unknown",
            "Salary Currency",
            "text",
            "job_salary_currency",
            "job_salary_currency",
            "e.g. USD",
            "Add a salary currency, this field is optional. Leave it empty to use the default salary currency.",
          ],
          ["unknown", "Salary Unit", "select", "job_salary_unit", "job_salary_unit", "", "", ["Year", "Month", "Week", "Day", "Hour"]],
          ["organization", "Company name", "text", "company_name", "company_name", "Enter the name of the company"],
          ["url", "Website", "text", "company_website", "company_website", "http://"],
          ["tagline", "Tagline", "text", "company_tagline", "company_tagline", "Briefly describe your company"],
          ["video-url", "Video", "text", "company_video", "company_video", "A link to a video about your company"],
          ["social-twitter", "Twitter username", "text", "company_twitter", "company_twitter", "@yourcompany"],
          ["logo", "Logo", "file", "company_logo", "company_logo"],
        ],
      },
      {
        title: "Jobs",
        submit: "Search Jobs",
        fields: [
          ["search", "Keywords", "text", "search_keywords", "search_keywords", "Keywords"],
          ["search", "Location", "text", "search_location", "search_location", "Location"],
        ],
      },
    ],
  },
  {
    group: "business-directory-plugin",
    repo: "Strategy11/business-directory-plugin",
    commit: "ae087e8d32d271ae0ad2ae8ddd658191e3996f3c",
    paths: ["includes/form-fields.php", "includes/fields/class-fieldtypes-textfield.php", "templates/submit-listing.tpl.php", "templates/search-form.tpl.php"],
    style: "bdp",
    translations: {
      de: "languages/business-directory-plugin-de_DE.po",
      fr: "languages/business-directory-plugin-fr_FR.po",
      it: "languages/business-directory-plugin-it_IT.po",
      nl: "languages/business-directory-plugin-nl_NL.po",
    },
    forms: [
      {
        title: "Add Listing",
        submit: "Complete Listing",
        fields: [
          ["organization", "Listing Title", "text", "listingfields[1]", "wpbdp-field-1"],
          ["category", "Listing Category", "select", "listingfields[2]", "wpbdp-field-2", "", "", ["-- Choose One --", "Restaurants", "Shopping", "Services", "Health"]],
          ["description", "Short Description", "textarea", "listingfields[3]", "wpbdp-field-3"],
          ["description", "Description", "textarea", "listingfields[4]", "wpbdp-field-4"],
          ["url", "Website", "url", "listingfields[5]", "wpbdp-field-5"],
          ["tel", "Phone", "text", "listingfields[6]", "wpbdp-field-6"],
          ["email", "Email", "text", "listingfields[7]", "wpbdp-field-7"],
          ["keywords", "Listing Tags", "text", "listingfields[8]", "wpbdp-field-8"],
          ["street-address", "Address", "textarea", "listingfields[9]", "wpbdp-field-9"],
          ["postal-code", "ZIP Code", "text", "listingfields[10]", "wpbdp-field-10"],
          ["photo", "Image", "file", "wpbdp-field-11-upload", "wpbdp-field-11"],
          ["terms", "I agree to the Terms and Conditions", "checkbox", "terms-and-conditions-agreed", "wpbdp-terms-and-conditions"],
        ],
      },
      {
        title: "Find a listing",
        submit: "Search",
        fields: [["search", "Find listings for", "text", "kw", "wpbdp-bar-keywords-field", "Find listings for <keywords>"]],
      },
    ],
  },
  {
    group: "geodirectory",
    repo: "AyeCode/geodirectory",
    commit: "3ae9bf6c6d8b69ff9907134e21c452e2899788ee",
    paths: [
      "includes/admin/settings/class-geodir-settings-cpt-cf.php",
      "includes/admin/class-geodir-admin-install.php",
      "templates/bootstrap/search-bar/input-search.php",
      "templates/bootstrap/search-bar/input-near.php",
    ],
    style: "geodir",
    forms: [
      {
        title: "Add Listing",
        submit: "Submit Listing",
        fields: [
          ["organization", "Title", "text", "post_title", "post_title", "", "Enter the title."],
          ["description", "Description", "textarea", "post_content", "post_content", "", "Enter a description"],
          ["keywords", "Tags", "text", "post_tags", "post_tags", "", "Tags are short keywords, with no space within.(eg: tag1, tag2, tag3)."],
          [
            "category",
            "Category",
            "select",
            "tax_input[gd_placecategory][]",
            "post_category",
            "",
            "Select listing category from here. Select at least one category",
            ["Select Category", "Attractions", "Feature", "Hotels", "Restaurants"],
          ],
          ["address-line1", "Address", "text", "street", "street", "Enter a location", "Please enter the listing street address. eg. : 230 Vine Street"],
          ["address-line2", "Address line 2 (optional)", "text", "street2", "street2"],
          [
            "country",
            "Country",
            "select",
            "country",
            "country",
            "",
            "",
            ["Choose a country…", "Australia", "Canada", "France", "Germany", "India", "Italy", "Spain", "United Kingdom", "United States"],
          ],
          ["address-level1", "Region", "text", "region", "region"],
          ["address-level2", "City", "text", "city", "city"],
          ["postal-code", "Zip/Post Code", "text", "zip", "zip"],
          ["latitude", "Address Latitude", "text", "latitude", "latitude", "", "Please enter latitude for google map perfomance (eg. : 39.955823048131286 ) OR Drag the marker on the map."],
          ["longitude", "Address Longitude", "text", "longitude", "longitude", "", "Please enter longitude for google map perfomance (eg. : -75.14408111572266 ) OR Drag the marker on the map."],
          ["tel", "Phone", "tel", "phone", "phone", "", "You can enter phone number,cell phone number etc."],
          ["email", "Email", "email", "email", "email", "", "You can enter the contact email for your listing."],
          ["url", "Website", "url", "website", "website", "", "You can enter your business or listing website."],
          ["social-twitter", "X", "url", "twitter", "twitter", "", "You can enter your business or listing X url."],
          ["social-facebook", "Facebook", "url", "facebook", "facebook", "", "You can enter your business or listing facebook url."],
          ["social-instagram", "Instagram", "url", "instagram", "instagram", "", "You can enter your business or listing instagram url."],
          ["video-url", "Video", "textarea", "video", "video", "", "Add video url or code here, YouTube, Vimeo etc."],
          ["unknown", "Special Offers", "textarea", "special_offers", "special_offers", "", "Note: List any special offers (optional)"],
          ["price-range", "Price Range", "select", "price_range", "price_range", "", "Enter the price range for the business.", ["Select Price Range", "$", "$$", "$$$", "$$$$"]],
          ["hours", "Business Hours", "text", "business_hours", "business_hours", "", "Select your business opening/operating hours."],
          ["logo", "Logo", "file", "logo", "logo", "", "You can upload your company logo."],
          ["photo", "Images", "file", "post_images", "post_images", "", "You can upload more than one image to create a image gallery on the details page."],
          ["unknown", "Temporarily Closed", "checkbox", "temp_closed", "temp_closed", "", "If your business is temporarily closed select this to let customers and search engines know."],
          ["unknown", "Private Address", "checkbox", "private_address", "private_address", "", "This will prevent address and location info from displaying to the users."],
          ["terms", "Terms & Conditions", "checkbox", "terms_conditions", "terms_conditions", "", "Please accept our terms and conditions"],
        ],
      },
      {
        title: "Search",
        submit: "Search",
        fields: [
          ["search", "Search for", "text", "s", "search-input", "Search for"],
          ["search", "Near", "text", "snear", "snear", "Near"],
        ],
      },
    ],
  },
  {
    group: "hivepress",
    repo: "hivepress/hivepress",
    commit: "0ceff14c040cf75446b199330079321b94b6fb19",
    paths: ["includes/models/class-listing.php", "includes/forms/class-listing-submit.php", "includes/forms/class-listing-search.php", "includes/fields/class-text.php"],
    style: "hivepress",
    forms: [
      {
        title: "Add Details",
        submit: "Submit Listing",
        fields: [
          ["photo", "Images", "file", "images", "images", "", "Select images"],
          ["organization", "Title", "text", "title", "title"],
          ["category", "Category", "select", "categories", "categories", "", "", ["Select category", "Accommodation", "Services", "Retail"]],
          ["description", "Description", "textarea", "description", "description"],
          ["terms", "I agree to the terms and conditions", "checkbox", "_terms", "_terms"],
        ],
      },
      {
        title: "Search listings",
        submit: "Search",
        fields: [
          ["search", "Keywords", "search", "s", "s", "Keywords"],
          ["unknown", "Category", "select", "_category", "_category", "", "", ["All Categories", "Accommodation", "Services", "Retail"]],
        ],
      },
    ],
  },
  {
    group: "directorist",
    repo: "sovware/directorist",
    commit: "c783bbb879e36add6d25e508b6c90956f15fbcff",
    paths: [
      "includes/modules/multi-directory-setup/builder-preset-fields.php",
      "templates/listing-form/fields/tagline.php",
      "templates/listing-form/fields/zip.php",
      "templates/listing-form/fields/video.php",
      "templates/listing-form/fields/tag.php",
      "templates/listing-form/fields/phone2.php",
      "templates/listing-form/fields/map.php",
    ],
    style: "directorist",
    forms: [
      {
        title: "Add Listing",
        submit: "Save & Preview",
        fields: [
          ["organization", "Title", "text", "listing_title", "listing_title", "Enter a title"],
          ["description", "Description", "textarea", "listing_content", "listing_content"],
          ["tagline", "Tagline", "text", "tagline", "tagline", "Your Listing's motto or tag-line"],
          ["price-range", "Price Range", "select", "price_range", "price_range", "", "", ["Select Price Range", "Ultra High ($$$$)", "Expensive ($$$)", "Moderate ($$)", "Cheap ($)"]],
          ["unknown", "Price [USD]", "number", "price", "price", "Price of this listing. Eg. 100"],
          ["description", "Excerpt", "textarea", "excerpt", "excerpt", "Short Description or Excerpt"],
          ["unknown", "Location", "select", "tax_input[at_biz_dir-location][]", "at_biz_dir-location", "", "", ["Select Location", "London", "New York", "Paris"]],
          ["keywords", "Tag", "select-multiple", "tax_input[at_biz_dir-tags][]", "at_biz_dir-tags", "Select or insert new tags separated by a comma, or space", "", ["coffee", "delivery", "family"]],
          ["category", "Category", "select", "admin_category_select[]", "at_biz_dir-categories", "Select Category", "", ["Select Category", "Doctor", "Hotel", "Restaurant"]],
          ["street-address", "Address", "text", "address", "address", "Listing address eg. New York, USA"],
          ["latitude", "Latitude", "text", "manual_lat", "manual_lat", "Enter Latitude eg. 24.89904"],
          ["longitude", "Longitude", "text", "manual_lng", "manual_lng", "Enter Longitude eg. 91.87198"],
          ["postal-code", "Zip/Post Code", "text", "zip", "zip", "Enter Zip/Post Code"],
          ["tel", "Phone", "tel", "phone", "phone", "Phone number"],
          ["tel", "Phone 2", "tel", "phone2", "phone2", "Phone number"],
          ["fax", "Fax", "tel", "fax", "fax", "Fax number"],
          ["email", "Email", "email", "email", "email", "Enter Email"],
          ["url", "Website", "url", "website", "website", "Listing Website eg. http://example.com"],
          ["social-other", "Social Info", "url", "social[0][url]", "social_url_0", "Enter the URL of your social profile"],
          ["unknown", "Hide owner contact form", "checkbox", "hide_contact_owner", "hide_contact_owner"],
          ["photo", "Images", "file", "listing_img", "listing_img", "", "Maximum File Size: 2 MB"],
          ["video-url", "Video Url", "url", "videourl", "videourl", "Only YouTube & Vimeo URLs."],
          ["terms", "I agree to the Privacy Policy and Terms of Service", "checkbox", "privacy_policy", "directorist_submit_privacy_policy"],
        ],
      },
      {
        title: "Search Listing",
        submit: "Search Listing",
        fields: [
          ["search", "What are you looking for?", "text", "q", "q", "What are you looking for?"],
          ["unknown", "Select a category", "select", "in_cat", "at_biz_dir-category", "", "", ["Select a category", "Doctor", "Hotel", "Restaurant"]],
        ],
      },
    ],
  },
  {
    group: "lsx-business-directory",
    repo: "lightspeedwp/lsx-business-directory",
    commit: "0b4dada668445e4bce3b4b4a8414bfa41a92b7da",
    // the listing form's fields (getters.php) rendered by WooCommerce's woocommerce_form_field markup
    paths: ["includes/getters.php", "templates/woocommerce/listing-form.php"],
    style: "woocommerce",
    forms: [
      {
        title: "Add Listing",
        submit: "Submit Listing",
        fields: [
          ["organization", "Company Name", "text", "lsx_bd_post_title", "lsx_bd_post_title"],
          ["unknown", "Status", "select", "lsx_bd_post_status", "lsx_bd_post_status", "", "", ["Publish", "Draft"]],
          ["name", "Contact Person", "text", "lsx_bd_primary_contact", "lsx_bd_primary_contact"],
          ["fax", "Fax Number", "tel", "lsx_bd_fax", "lsx_bd_fax"],
          ["url", "Website", "url", "lsx_bd_website", "lsx_bd_website"],
          ["email", "Email Address (shown on the listing)", "email", "lsx_bd_primary_email", "lsx_bd_primary_email"],
          ["tel", "Phone Number", "tel", "lsx_bd_primary_phone", "lsx_bd_primary_phone"],
          ["email", "Email Address (contact form recipient)", "email", "lsx_bd_secondary_email", "lsx_bd_secondary_email"],
          ["social-other", "Skype Username", "text", "lsx_bd_skype", "lsx_bd_skype"],
          ["tel", "Whatsapp Contact Number", "tel", "lsx_bd_whatsapp", "lsx_bd_whatsapp"],
          ["social-facebook", "Facebook", "text", "lsx_bd_facebook", "lsx_bd_facebook"],
          ["social-twitter", "Twitter", "text", "lsx_bd_twitter", "lsx_bd_twitter"],
          ["social-linkedin", "LinkedIn", "text", "lsx_bd_linkedin", "lsx_bd_linkedin"],
          ["social-instagram", "Instagram", "text", "lsx_bd_instagram", "lsx_bd_instagram"],
          ["social-youtube", "Youtube", "text", "lsx_bd_youtube", "lsx_bd_youtube"],
          ["social-other", "Pinterest", "text", "lsx_bd_pinterest", "lsx_bd_pinterest"],
          ["unknown", "Street #", "text", "lsx_bd_address_street_number", "lsx_bd_address_street_number"],
          ["address-line1", "Street Address", "text", "lsx_bd_address_street_name", "lsx_bd_address_street_name"],
          ["address-line2", "Suburb", "text", "lsx_bd_address_suburb", "lsx_bd_address_suburb"],
          ["address-level2", "Town / City", "text", "lsx_bd_address_city", "lsx_bd_address_city"],
          ["postal-code", "Postal Code", "text", "lsx_bd_address_postal_code", "lsx_bd_address_postal_code"],
          [
            "country",
            "Country",
            "select",
            "lsx_bd_address_country",
            "lsx_bd_address_country",
            "",
            "",
            ["Select a country / region…", "Botswana", "Namibia", "South Africa", "United Kingdom", "United States (US)", "Zimbabwe"],
          ],
          ["address-level1", "Province", "text", "lsx_bd_address_province", "lsx_bd_address_province"],
          ["logo", "Company Logo", "file", "lsx_bd_thumbnail", "lsx_bd_thumbnail"],
          ["photo", "Banner Image", "file", "lsx_bd_banner", "lsx_bd_banner"],
          ["category", "Industry", "select", "lsx_bd_tax_industry", "lsx_bd_tax_industry", "", "", ["Select an industry", "Accommodation", "Retail", "Services"]],
          ["unknown", "Location", "select", "lsx_bd_tax_location", "lsx_bd_tax_location", "", "", ["Select a location", "Cape Town", "Johannesburg", "Durban"]],
          ["description", "Description", "textarea", "lsx_bd_post_content", "lsx_bd_post_content"],
          ["description", "Excerpt", "textarea", "lsx_bd_post_excerpt", "lsx_bd_post_excerpt"],
        ],
      },
    ],
  },
  {
    group: "connections",
    repo: "Connections-Business-Directory/Connections",
    commit: "7f157fab3e5ef99734d1064c660b1c5c2e3ae1fe",
    paths: ["includes/class.metabox-entry.php"],
    style: "connections",
    forms: [
      {
        title: "Add Entry",
        submit: "Add Entry",
        fields: [
          ["unknown", "Prefix", "text", "honorific_prefix", "honorific_prefix"],
          ["given-name", "First Name", "text", "first_name", "first_name"],
          ["additional-name", "Middle Name", "text", "middle_name", "middle_name"],
          ["family-name", "Last Name", "text", "last_name", "last_name"],
          ["unknown", "Suffix", "text", "honorific_suffix", "honorific_suffix"],
          ["unknown", "Title", "text", "title", "title"],
          ["organization", "Organization", "text", "organization", "organization"],
          ["unknown", "Department", "text", "department", "department"],
          ["address-line1", "Address Line 1", "text", "address[0][line_1]", "address-0-line_1"],
          ["address-line2", "Address Line 2", "text", "address[0][line_2]", "address-0-line_2"],
          ["address-level2", "City", "text", "address[0][city]", "address-0-city"],
          ["address-level1", "State", "text", "address[0][state]", "address-0-state"],
          ["postal-code", "Zipcode", "text", "address[0][zipcode]", "address-0-zipcode"],
          ["country", "Country", "text", "address[0][country]", "address-0-country"],
          ["latitude", "Latitude", "text", "address[0][latitude]", "address-0-latitude"],
          ["longitude", "Longitude", "text", "address[0][longitude]", "address-0-longitude"],
          ["tel", "Phone Number", "text", "phone[0][number]", "phone-0-number"],
          ["email", "Email Address", "text", "email[0][address]", "email-0-address"],
          ["url", "Website", "text", "link[0][url]", "link-0-url"],
          ["description", "Biographical Info", "textarea", "bio", "bio"],
          ["unknown", "Notes", "textarea", "notes", "notes"],
        ],
      },
    ],
  },
  {
    group: "chamber-dashboard",
    repo: "Chamber-Dashboard/chamber-dashboard-business-directory",
    commit: "cb235bef5381bb664a32b0177103d8d7245240e7",
    paths: ["shortcodes/bus_search_shortcode.php", "includes/email_subscribe.php"],
    style: "connections",
    forms: [
      {
        title: "Search",
        submit: "Search",
        fields: [],
        raw: `<div id='business-search'><h3>Search</h3><form id='business-search-form' method='get' action='/business-search/'><p class='business-search-term'><label id='business-search-term' aria-label='search-term'>Search Term</label><br /><input aria-label='search-text' type='text' value='' name='searchtext' id='searchtext' data-label="search" /></p><p class='business-category-text'><label id='business-category-text'>Business Category</label><br /><select aria-label='select a business category' name='buscat' data-label="unknown"><option value=''></option><option value='restaurants'>Restaurants</option><option value='retail'>Retail</option><option value='services'>Services</option></select></p><input type='submit' value='Search'></form></div>`,
      },
      {
        title: "Stay Up-to-Date",
        submit: "Subscribe",
        fields: [],
        raw: `<form action="" method="post" name="cdash_email_subscribe" class="email_subscribe_form"><div><label for="First Name">First Name</label><input type="text" name="first_name" data-label="given-name" /></div><div><label for="Last Name">Last Name</label><input type="text" name="last_name" data-label="family-name" /></div><div><label for="Email">Email</label><input type="email" name="cdash_email" data-label="email" /></div><div class="actions"><button type="submit" name="cdash_ac_email_subscribe" class="button-primary cdash_form cdash_admin" title="Subscribe" aria-label="Subscribe">Subscribe</button></div></form>`,
      },
    ],
  },
  {
    group: "mailpoet",
    // WordPress's registration form as MailPoet extends it (register_form hook)
    repo: "mailpoet/mailpoet",
    commit: "b1fc6f40e6b134ff234e4959df2347bf2aa348f4",
    paths: ["mailpoet/lib/Subscription/Registration.php", "WordPress/WordPress@000b7a93134abf69e6f7c698395f43bbea11ef27:wp-login.php"],
    style: "connections",
    forms: [
      {
        title: "Register For This Site",
        submit: "Register",
        fields: [],
        raw: `<form name="registerform" id="registerform" action="/wp-login.php?action=register" method="post"><p><label for="user_login">Username<br /><input type="text" name="user_login" id="user_login" class="input" value="" size="20" tabindex="10" data-label="username" /></label></p><p><label for="user_email">E-mail<br /><input type="email" name="user_email" id="user_email" class="input" value="" size="25" tabindex="20" data-label="email" /></label></p><p class="registration-form-mailpoet"><label for="mailpoet_subscribe_on_register"><input type="hidden" id="mailpoet_subscribe_on_register_active" value="1" name="mailpoet[subscribe_on_register_active]" /><input type="checkbox" id="mailpoet_subscribe_on_register" value="1" name="mailpoet[subscribe_on_register]" data-label="newsletter" />&nbsp;Yes, please add me to your mailing list.</label></p><p id="reg_passmail">A password will be e-mailed to you.</p><br class="clear" /><p class="submit"><input type="submit" name="wp-submit" id="wp-submit" class="button-primary" value="Register" tabindex="100" /></p></form>`,
      },
    ],
  },
];
